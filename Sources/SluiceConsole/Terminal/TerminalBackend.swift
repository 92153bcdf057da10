/// Input from the terminal.
public enum TerminalInput: Hashable, Sendable {
    /// A key press.
    case key(Key)
    /// The terminal was resized.
    case resize(width: Int, height: Int)
    /// The process received SIGINT, SIGTERM or SIGHUP: the console must restore the terminal and leave.
    case signal(Int32)
}

/// Where frames are painted and keys come from: curses on a real terminal, memory in tests.
public protocol TerminalBackend: AnyObject, Sendable {
    /// The current size in cells.
    var size: (width: Int, height: Int) { get }
    /// Keys, resizes and termination signals, in order. Finishes when the backend shuts down.
    var inputs: AsyncStream<TerminalInput> { get }
    /// Paints `canvas`, changing only the cells that differ from the previous frame.
    func present(_ canvas: Canvas)
    /// Restores the terminal. Safe to call more than once.
    func shutdown()
}

/// A run of changed cells on one row: what a backend repaints.
public struct CellRun: Hashable, Sendable {
    /// Row.
    public var y: Int
    /// First column.
    public var x: Int
    /// The cells, left to right (right halves of wide characters included).
    public var cells: [Cell]
}

/// Frame differencing shared by the backends.
public enum FrameDiff {
    /// The runs of cells of `new` that differ from `old` (everything when `old` is nil or another size).
    /// A run never starts on the right half of a wide character: it is widened to include the left half.
    public static func runs(from old: Canvas?, to new: Canvas) -> [CellRun] {
        var out: [CellRun] = []
        let full = old == nil || old?.width != new.width || old?.height != new.height
        for y in 0..<new.height {
            var x = 0
            while x < new.width {
                if !full, let old, old[x, y] == new[x, y] { x += 1; continue }
                var start = x
                if new[start, y].width == 0, start > 0 { start -= 1 }
                var end = x + 1
                while end < new.width, full || old?[end, y] != new[end, y] { end += 1 }
                if end < new.width, new[end, y].width == 0 { end += 1 }
                out.append(CellRun(y: y, x: start, cells: (start..<end).map { new[$0, y] }))
                x = end
            }
        }
        return out
    }
}
