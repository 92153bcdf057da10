import Synchronization

/// A terminal in memory, for tests and benchmarks: it keeps the painted grid, counts the cells
/// each frame changed, and lets a test type keys and resize.
public final class InMemoryBackend: TerminalBackend {
    private struct State {
        var width: Int
        var height: Int
        var screen: Canvas?
        var frames = 0
        var lastChangedCells = 0
    }

    private let state: Mutex<State>
    private let continuation: AsyncStream<TerminalInput>.Continuation
    /// Keys and resizes sent with ``send(_:)``.
    public let inputs: AsyncStream<TerminalInput>

    /// Creates a terminal of the given size.
    public init(width: Int, height: Int) {
        state = Mutex(State(width: width, height: height))
        (inputs, continuation) = AsyncStream.makeStream(of: TerminalInput.self)
    }

    /// The current size.
    public var size: (width: Int, height: Int) { state.withLock { ($0.width, $0.height) } }

    /// What the screen shows now (nil before the first frame).
    public var screen: Canvas? { state.withLock { $0.screen } }

    /// Frames presented so far.
    public var frames: Int { state.withLock { $0.frames } }

    /// Cells the last frame changed.
    public var lastChangedCells: Int { state.withLock { $0.lastChangedCells } }

    /// Paints the changed cells of `canvas` onto the in-memory screen.
    public func present(_ canvas: Canvas) {
        state.withLock { s in
            let runs = FrameDiff.runs(from: s.screen, to: canvas)
            s.lastChangedCells = runs.reduce(0) { $0 + $1.cells.count }
            s.screen = canvas
            s.frames += 1
        }
    }

    /// Types a key.
    public func send(_ input: TerminalInput) {
        if case .resize(let w, let h) = input { state.withLock { $0.width = w; $0.height = h } }
        continuation.yield(input)
    }

    /// Ends the input stream.
    public func shutdown() { continuation.finish() }
}
