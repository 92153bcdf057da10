import Foundation
import Testing

/// The built `sluice` executable and tmux, driven like an operator would: the demo with its
/// console in a private tmux server, keys sent with `send-keys`, the screen read with
/// `capture-pane`, and the daemon asked through `sluice show … --json --socket`.
@Suite("Console in tmux on the demo", .serialized, Peers.tmux)
struct TmuxDemoTests {
    private func sluicePath() throws -> String { try builtSluicePath() }

    @Test("Hold gmail.com and edit its max-msg-rate from the console; the daemon agrees")
    func holdAndEditThroughTheConsole() throws {
        let sluice = try sluicePath()
        try #require(FileManager.default.isExecutableFile(atPath: sluice),
                     "sluice not found next to the tests at \(sluice); run `swift build --build-tests` first")
        let dir = try TmuxTemporaryDirectory()
        defer { dir.remove() }
        let socket = dir.path + "/c.sock"
        let daemon = SluiceCLI(executable: sluice, socket: socket)
        let session = try TmuxSession(
            name: "sluice-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", width: 160, height: 48,
            command: [sluice, "demo", "--socket", socket, "--spool", dir.path + "/demo"])
        defer { session.kill() }

        // The demo's first deliveries put gmail.com on the Domains view.
        try #require(poll(seconds: 60) { session.capture().contains("gmail.com") },
                     "gmail.com never appeared:\n\(session.capture())")

        // `/gmail.com` Enter filters the view; `h` asks for a reason, Enter holds.
        session.keys("/"); session.literal("gmail.com"); session.keys("Enter")
        try #require(poll(seconds: 30) {
            session.rows(containing: "filter: gmail.com  sort:").contains { $0.hasSuffix(" 1/1") }
                && !session.capture().contains(" /gmail.com")
        }, "the filter did not narrow the Domains view to gmail.com:\n\(session.capture())")
        session.keys("h")
        try #require(poll(seconds: 30) { session.capture().contains("Hold gmail.com — reason:") },
                     "no prompt to hold gmail.com:\n\(session.capture())")
        session.keys("Enter")
        try #require(poll(seconds: 60) { session.rows(containing: "gmail.com").contains { $0.contains("HELD") } },
                     "gmail.com's row never showed HELD:\n\(session.capture())")

        // The daemon says it is held, and it makes no new transactions while other domains go on.
        let atHold = try daemon.domains()
        let gmailAtHold = try #require(atHold["gmail.com"])
        #expect(gmailAtHold.held)
        func othersDelivered(_ rows: [String: DomainFigures]) -> Int {
            rows.filter { $0.key != "gmail.com" }.values.reduce(0) { $0 + $1.delivered }
        }
        // In-flight transactions (at most one per open connection) may still finish: they have as
        // long as the other domains take to deliver 150 (a count, not a time, so that a loaded
        // machine slows both alike).
        var drained = atHold
        try #require(poll(seconds: 90) {
            drained = (try? daemon.domains()) ?? drained
            return othersDelivered(drained) >= othersDelivered(atHold) + 150
        }, "other domains did not deliver 150 in 90 s")
        let gmailDrained = try #require(drained["gmail.com"])
        #expect(gmailDrained.transactions - gmailAtHold.transactions <= max(gmailAtHold.connections, 12),
                "gmail.com went on after the hold: \(gmailAtHold) then \(gmailDrained)")
        var later = drained
        try #require(poll(seconds: 60) {
            later = (try? daemon.domains()) ?? later
            return othersDelivered(later) >= othersDelivered(drained) + 40
        }, "other domains stopped delivering")
        let gmailLater = try #require(later["gmail.com"])
        #expect(gmailLater.held)
        #expect(gmailLater.transactions == gmailDrained.transactions,
                "gmail.com made new transactions while held: \(gmailDrained) then \(gmailLater)")

        // `e` opens the throttle editor on max-msg-rate, prefilled with the current value: typing
        // replaces it, Enter applies.
        session.keys("e")
        try #require(poll(seconds: 30) {
            let screen = session.capture()
            return screen.contains("Edit throttles: gmail.com") && !screen.contains("loading current values")
        }, "the throttle editor did not open with the current values:\n\(session.capture())")
        session.literal("7/s")
        session.keys("Enter")
        try #require(poll(seconds: 30) { (try? daemon.setting("gmail.com", "max-msg-rate"))?.value == "7/s" },
                     "the daemon never got max-msg-rate 7/s:\n\(session.capture())")
        let setting = try daemon.setting("gmail.com", "max-msg-rate")
        #expect(setting?.origin == "console", "sluice show settings gives \(String(describing: setting))")

        // Enter opens the Detail view: the new value with its origin.
        session.keys("Enter")
        let detailRow = try Regex(#"max-msg-rate +7/s +console( |$)"#)
        #expect(poll(seconds: 30) {
            session.rows(containing: "max-msg-rate").contains { $0.contains(detailRow) }
        }, "the Detail view does not show max-msg-rate 7/s from console:\n\(session.capture())")
        // The held domain's queued recipients are sampled there with their age and attempts.
        let sampleRow = try Regex(#"@gmail\.com age \S+ tries \d+"#)
        #expect(poll(seconds: 30) { session.capture().contains(sampleRow) },
                "the Detail view has no queued recipient sample:\n\(session.capture())")

        // q leaves the console; the demo ends and so does the session.
        session.keys("q")
        #expect(poll(seconds: 60) { !session.isAlive() }, "the demo did not end after q:\n\(session.capture())")
    }
}

/// The `sluice` executable, built next to the test bundle by `swift build --build-tests`.
func builtSluicePath() throws -> String {
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var directory = (executable as NSString).deletingLastPathComponent
    if directory.hasSuffix(".xctest") { directory = (directory as NSString).deletingLastPathComponent }
    return directory + "/sluice"
}

/// Polls `condition` every quarter second for up to `seconds`.
func poll(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(250_000)
    }
    return try condition()
}

/// Runs `executable` with `arguments` (posix_spawn and waitpid, no Foundation.Process: its exit
/// monitoring stalled under the test runner here); returns its exit status and, with `capture`,
/// its standard output. Without `capture` the output goes to /dev/null: a process that leaves a
/// daemon behind (tmux starting its server) would otherwise hold the pipe open.
private func run(_ executable: String, _ arguments: [String], capture: Bool = true) -> (status: Int32, output: String) {
    var fds: [Int32] = [-1, -1]
    if capture {
        guard pipe(&fds) == 0 else { return (-1, "") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if capture {
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    if capture { close(fds[1]) }
    var output = [UInt8]()
    if capture {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while spawned == 0 {
            let n = read(fds[0], &buffer, buffer.count)
            if n > 0 { output += buffer[0..<n] } else if n == 0 || errno != EINTR { break }
        }
        close(fds[0])
    }
    guard spawned == 0 else { return (-1, "") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : -1, String(decoding: output, as: UTF8.self))
}

/// A private tmux server (`tmux -L NAME`) running one command in a detached session.
struct TmuxSession {
    /// tmux on the PATH, or nil.
    static let tmuxPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let name: String
    private let tmux: String
    /// The pid of the command in the pane.
    private var panePID: pid_t?

    /// Starts `command` in a `width`×`height` session of a new private server.
    init(name: String, width: Int, height: Int, command: [String]) throws {
        self.name = name
        tmux = Self.tmuxPath ?? "tmux"
        let shellCommand = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let started = run(tmux, ["-L", name, "-f", "/dev/null", "new-session", "-d", "-x", String(width), "-y", String(height), shellCommand],
                          capture: false)
        try #require(started.status == 0, "tmux new-session failed with status \(started.status)")
        panePID = pid_t(run(tmux, ["-L", name, "display-message", "-p", "#{pane_pid}"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The visible screen as text.
    func capture() -> String { run(tmux, ["-L", name, "capture-pane", "-p"]).output }

    /// The screen lines that contain `text`.
    func rows(containing text: String) -> [Substring] { capture().split(separator: "\n").filter { $0.contains(text) } }

    /// Sends tmux key names (`Enter`, `Escape`, `h`).
    func keys(_ names: String...) { _ = run(tmux, ["-L", name, "send-keys"] + names, capture: false) }

    /// Types `text` literally.
    func literal(_ text: String) { _ = run(tmux, ["-L", name, "send-keys", "-l", text], capture: false) }

    /// True while the session's command runs.
    func isAlive() -> Bool { run(tmux, ["-L", name, "has-session"], capture: false).status == 0 }

    /// Stops the pane's command (SIGTERM, then SIGKILL after 20 s) and the server.
    func kill() {
        if let pid = panePID, Foundation.kill(pid, SIGTERM) == 0 {
            let deadline = Date().addingTimeInterval(20)
            while Foundation.kill(pid, 0) == 0, Date() < deadline, isAlive() { usleep(100_000) }
            if isAlive() { _ = Foundation.kill(pid, SIGKILL) }
        }
        _ = run(tmux, ["-L", name, "kill-server"], capture: false)
    }
}

/// A domain's figures as `sluice show domains --json` gives them.
struct DomainFigures: CustomStringConvertible {
    var held: Bool
    var delivered: Int
    var deferred: Int
    var bounced: Int
    var connections: Int
    /// Finished delivery transactions: delivered, deferred and bounced.
    var transactions: Int { delivered + deferred + bounced }
    var description: String {
        "held \(held) delivered \(delivered) deferred \(deferred) bounced \(bounced) connections \(connections)"
    }
}

/// `sluice show … --json --socket PATH`.
struct SluiceCLI {
    let executable: String
    let socket: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    private func json(_ arguments: [String]) throws -> Any {
        let result = run(executable, ["show"] + arguments + ["--json", "--socket", socket])
        guard result.status == 0 else { throw Failure(description: "sluice show \(arguments) exited \(result.status)") }
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8))
    }

    /// `sluice show domains --json`: figures by domain.
    func domains() throws -> [String: DomainFigures] {
        let document = try json(["domains"])
        let rows = (document as? [[String: Any]]) ?? ((document as? [String: Any])?["domains"] as? [[String: Any]]) ?? []
        var out: [String: DomainFigures] = [:]
        for row in rows {
            guard let name = row["name"] as? String else { continue }
            out[name] = DomainFigures(held: row["held"] as? Bool ?? false, delivered: row["delivered"] as? Int ?? 0,
                                      deferred: row["deferred"] as? Int ?? 0, bounced: row["bounced"] as? Int ?? 0,
                                      connections: row["connections"] as? Int ?? 0)
        }
        guard !out.isEmpty else { throw Failure(description: "no domains in \(document)") }
        return out
    }

    /// `sluice show queues --json`: deferrals and connection refusals, and deliveries, a minute, and
    /// whether paused, by queue.
    func queues() throws -> [String: (deferredOrRefusedPerMin: Double, deliveredPerMin: Double, paused: Bool)] {
        let document = try json(["queues"])
        let rows = (document as? [[String: Any]]) ?? ((document as? [String: Any])?["queues"] as? [[String: Any]]) ?? []
        var out: [String: (deferredOrRefusedPerMin: Double, deliveredPerMin: Double, paused: Bool)] = [:]
        for row in rows {
            guard let name = row["name"] as? String else { continue }
            let trouble = ((row["deferred_per_min"] as? NSNumber)?.doubleValue ?? 0)
                + ((row["refused_connections_per_min"] as? NSNumber)?.doubleValue ?? 0)
            out[name] = (trouble, (row["delivered_per_min"] as? NSNumber)?.doubleValue ?? 0, row["paused"] as? Bool ?? false)
        }
        return out
    }

    /// `sluice show status --json`: the active controls as JSON objects.
    func controls() throws -> [[String: Any]] {
        let document = try json(["status"]) as? [String: Any]
        return document?["controls"] as? [[String: Any]] ?? []
    }

    /// `sluice show settings TARGET --json`: one directive's value and origin.
    func setting(_ target: String, _ directive: String) throws -> (value: String, origin: String)? {
        let document = try json(["settings", target]) as? [String: Any]
        guard let entry = (document?["settings"] as? [String: Any])?[directive] as? [String: Any],
              let value = entry["value"] as? String, let origin = entry["origin"] as? String else { return nil }
        return (value, origin)
    }
}

/// A fresh directory under /tmp (short, for the control socket's path), removed by `remove()`.
struct TmuxTemporaryDirectory {
    let path: String
    init() throws {
        var template = Array("/tmp/sluice-tmux-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SluiceCLI.Failure(description: "mkdtemp failed: errno \(errno)") }
        path = String(cString: made)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
