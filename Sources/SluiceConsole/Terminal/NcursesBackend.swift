import CNcurses
import Dispatch
import Foundation
import Synchronization

/// Paints frames with ncursesw on the controlling terminal.
///
/// Every curses call happens on one dedicated thread (ncurses is not thread-safe): it sets the
/// locale, opens the terminal with `newterm`, paints only the cells that changed since the last
/// frame, reads keys with a short timeout, turns `KEY_RESIZE` into a resize input, and calls
/// `endwin` when the backend shuts down. SIGINT, SIGTERM and SIGHUP become ``TerminalInput/signal(_:)``
/// inputs so the app leaves through its normal path, which restores the terminal.
public final class NcursesBackend: TerminalBackend {
    /// Why the terminal cannot be used.
    public enum SetupError: Error, Hashable, Sendable, CustomStringConvertible {
        /// TERM is not set.
        case noTerm
        /// Standard input or output is not a terminal.
        case notATerminal
        /// curses could not open the terminal type.
        case unusableTerminal(String)

        /// One clear line.
        public var description: String {
            switch self {
            case .noTerm: "TERM is not set: run the console from a terminal (e.g. TERM=xterm-256color)"
            case .notATerminal: "standard input and output must be a terminal"
            case .unusableTerminal(let term): "cannot use terminal type '\(term)' (is its terminfo installed?)"
            }
        }
    }

    private let loop: CursesLoop
    private let signalSources: Mutex<[any DispatchSourceSignal]>
    private let stopped = Mutex(false)
    /// Keys, resizes and signals.
    public let inputs: AsyncStream<TerminalInput>
    /// Unicode glyphs when the locale's codeset is UTF-8, ASCII otherwise.
    public let glyphs: GlyphSet
    /// The colour depth in use (mono under NO_COLOR or without colour support).
    public let depth: ColorDepth

    /// Opens the terminal with `theme` (reduced to what the terminal can show). Throws when TERM is
    /// missing, stdio is not a terminal, or curses cannot open the terminal; nothing is changed then.
    public init(theme: Theme, environment: [String: String] = ProcessInfo.processInfo.environment) throws(SetupError) {
        guard let term = environment["TERM"], !term.isEmpty else { throw .noTerm }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        let (stream, continuation) = AsyncStream.makeStream(of: TerminalInput.self)
        inputs = stream
        loop = CursesLoop(term: term, theme: theme, noColor: !(environment["NO_COLOR"] ?? "").isEmpty, continuation: continuation)
        let thread = Thread { [loop] in loop.run() }
        thread.name = "sluice-curses"
        thread.start()
        loop.ready.wait()
        switch loop.setupResult {
        case .success(let (g, d))?:
            glyphs = g
            depth = d
        case .failure(let e)?:
            throw e
        case nil:
            throw .unusableTerminal(term)
        }
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(.signal(sig)) }
            source.resume()
            sources.append(source)
        }
        signalSources = Mutex(sources)
    }

    /// The terminal size.
    public var size: (width: Int, height: Int) { loop.shared.withLock { ($0.width, $0.height) } }

    /// Queues `canvas` for the curses thread, which paints the cells that changed.
    public func present(_ canvas: Canvas) { loop.shared.withLock { $0.pending = canvas } }

    /// Restores the terminal (endwin) and waits until it is done. Safe to call more than once.
    public func shutdown() {
        let already = stopped.withLock { s in defer { s = true }; return s }
        if already { return }
        loop.shared.withLock { $0.stop = true }
        loop.finished.wait()
        signalSources.withLock { sources in for s in sources { s.cancel() } }
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }
}

/// The curses thread: owns the SCREEN and every curses call.
private final class CursesLoop: Sendable {
    struct Shared {
        var pending: Canvas?
        var stop = false
        var width = 80
        var height = 24
    }

    let shared = Mutex(Shared())
    let ready = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    private let setup = Mutex<Result<(GlyphSet, ColorDepth), NcursesBackend.SetupError>?>(nil)
    private let term: String
    private let theme: Theme
    private let noColor: Bool
    private let continuation: AsyncStream<TerminalInput>.Continuation

    init(term: String, theme: Theme, noColor: Bool, continuation: AsyncStream<TerminalInput>.Continuation) {
        self.term = term
        self.theme = theme
        self.noColor = noColor
        self.continuation = continuation
    }

    var setupResult: Result<(GlyphSet, ColorDepth), NcursesBackend.SetupError>? { setup.withLock { $0 } }

    func run() {
        defer { finished.signal() }
        setlocale(LC_ALL, "")
        let utf8 = nl_langinfo(nl_item(CODESET)).map { String(cString: $0).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8" } ?? false
        guard let screen = sluice_newterm() else {
            setup.withLock { $0 = .failure(.unusableTerminal(term)) }
            ready.signal()
            return
        }
        _ = set_term(screen)
        let win = sluice_stdscr()
        raw()
        noecho()
        nonl()
        _ = keypad(win, true)
        wtimeout(win, 25)
        _ = curs_set(0)
        _ = set_escdelay(25)
        var depth = ColorDepth.mono
        if !noColor, has_colors() {
            start_color()
            use_default_colors()
            depth = ThemeLoader.depth(environment: [:], terminalColors: Int(sluice_colors()))
        }
        let reduced = theme.reduced(to: depth)
        var pairs: [Role: Int16] = [:]
        var attrs: [Role: attr_t] = [:]
        for (i, role) in Role.allCases.enumerated() {
            let style = reduced.style(role)
            let pair = Int16(i + 1)
            if depth != .mono {
                _ = init_extended_pair(Int32(pair), Int32(style.foreground.cursesNumber), Int32(style.background.cursesNumber))
                pairs[role] = pair
            } else {
                pairs[role] = 0
            }
            var a = sluice_a_normal()
            if style.attributes.contains(.bold) { a |= sluice_a_bold() }
            if style.attributes.contains(.dim) { a |= sluice_a_dim() }
            if style.attributes.contains(.reverse) { a |= sluice_a_reverse() }
            if style.attributes.contains(.underline) { a |= sluice_a_underline() }
            if style.attributes.contains(.italic) { a |= sluice_a_italic() }
            attrs[role] = a
        }
        updateSize(win)
        setup.withLock { $0 = .success((utf8 ? .unicode : .ascii, depth)) }
        ready.signal()

        var previous: Canvas?
        while true {
            let (frame, stop) = shared.withLock { s in
                defer { s.pending = nil }
                return (s.pending, s.stop)
            }
            if stop { break }
            if let frame {
                paint(FrameDiff.runs(from: previous, to: frame), pairs: pairs, attrs: attrs, asciiOnly: !utf8)
                previous = frame
            }
            var ch: wint_t = 0
            let r = wget_wch(win, &ch)
            if r == sluice_err() { continue }
            if r == sluice_key_code_yes(), Int32(bitPattern: ch) == sluice_key_resize() {
                updateSize(win)
                previous = nil
                _ = wclear(win)
                let (w, h) = shared.withLock { ($0.width, $0.height) }
                continuation.yield(.resize(width: w, height: h))
                continue
            }
            if let key = CursesKeys.translate(ch, isKeyCode: r == sluice_key_code_yes()) {
                continuation.yield(.key(key))
            }
        }
        _ = endwin()
        delscreen(screen)
        continuation.finish()
    }

    private func updateSize(_ win: UnsafeMutablePointer<WINDOW>?) {
        var h: Int32 = 0, w: Int32 = 0
        sluice_getmaxyx(win, &h, &w)
        shared.withLock { $0.width = Int(w); $0.height = Int(h) }
    }

    /// Paints runs of cells; on a terminal whose locale is not UTF-8, a character outside ASCII is
    /// shown as `?` per cell it occupies, so the grid stays aligned.
    private func paint(_ runs: [CellRun], pairs: [Role: Int16], attrs: [Role: attr_t], asciiOnly: Bool) {
        for run in runs {
            var i = 0
            while i < run.cells.count {
                let role = run.cells[i].role
                let x = run.x + i
                var text = ""
                while i < run.cells.count, run.cells[i].role == role {
                    let cell = run.cells[i]
                    if asciiOnly, cell.width == 0 || !cell.character.isASCII {
                        text.append("?")
                    } else if cell.width != 0 {
                        text.append(cell.character)
                    }
                    i += 1
                }
                _ = attr_set(attrs[role] ?? 0, pairs[role] ?? 0, nil)
                _ = mvaddstr(Int32(run.y), Int32(x), text)
            }
        }
        _ = refresh()
    }
}
