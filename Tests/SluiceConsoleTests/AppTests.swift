import Foundation
import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import Synchronization
import Testing

/// A data source that serves the fixture and records requests.
final class FakeDataSource: ConsoleDataSource {
    let requests = Mutex<[OperatorRequest]>([])
    private let stream: AsyncStream<ConsoleFeed>
    let feedSink: AsyncStream<ConsoleFeed>.Continuation

    init() {
        (stream, feedSink) = AsyncStream.makeStream(of: ConsoleFeed.self)
    }

    func feed() -> AsyncStream<ConsoleFeed> { stream }

    func perform(_ request: OperatorRequest) async -> Result<String, OperatorError> {
        requests.withLock { $0.append(request) }
        if case .deleteQueue = request { return .failure(OperatorError("refused by policy")) }
        return .success("ok (control c-99)")
    }

    func settings(for target: String) async -> Result<SettingsSnapshot, OperatorError> {
        target == "gmail.com" ? .success(Fixture.gmailSettings) : .failure(OperatorError("no settings for \(target)"))
    }

    func historyFrame(minute: Int64) async -> Result<HistoryFrame?, OperatorError> {
        .success(minute >= Fixture.incidentFrame.minute ? Fixture.incidentFrame : nil)
    }

    func historySeries(kind: HistoryKind, name: String) async -> Result<[HistoryPoint], OperatorError> {
        .success(name == "gmail.com" ? Fixture.gmailHistory : [])
    }

    /// Every pattern matches the fixture's Yahoo replies.
    func dryRun(pattern: String) async -> Result<ReplyRuleDryRunResult, OperatorError> {
        .success(Fixture.yahooDryRun(pattern))
    }
}

@Suite struct AppTests {
    /// Waits (up to 5 s) until the in-memory screen satisfies `condition`.
    func screen(_ backend: InMemoryBackend, _ condition: (String) -> Bool) async -> Bool {
        for _ in 0..<500 {
            if let text = backend.screen?.text, condition(text) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func holdsADomainEndToEndAndQuits() async throws {
        let backend = InMemoryBackend(width: 80, height: 24)
        let source = FakeDataSource()
        let app = ConsoleApp(dataSource: source, backend: backend, glyphs: .unicode, readOnly: false, clock: VirtualClock(Fixture.now), tick: .seconds(3600))
        let run = Task { await app.run() }
        source.feedSink.yield(.snapshot(Fixture.snapshot))
        source.feedSink.yield(.events(Fixture.events))
        #expect(await screen(backend) { $0.contains("gmail.com") && $0.contains("yahoo.com") })
        for key in [Key.char("/")] + Fixture.type("gmail.com") + [.enter, .char("h"), .enter] {
            backend.send(.key(key))
        }
        #expect(await screen(backend) { $0.contains("hold gmail.com: ok (control c-99)") })
        #expect(source.requests.withLock { $0 } == [.holdDomain(domain: "gmail.com", reason: "held from console", ttl: nil)])
        // A second snapshot with one change repaints only a few cells.
        var next = Fixture.snapshot
        next.domains[0].figures.queued += 1
        let before = backend.frames
        source.feedSink.yield(.snapshot(next))
        #expect(await screen(backend) { $0.contains("48,211") })
        #expect(backend.frames > before)
        #expect(backend.lastChangedCells < 20)
        backend.send(.key(.char("q")))
        #expect(await run.value == .quit)
    }

    @Test func failuresShowAndSignalsEndTheRun() async throws {
        let backend = InMemoryBackend(width: 160, height: 48)
        let source = FakeDataSource()
        let app = ConsoleApp(dataSource: source, backend: backend, glyphs: .ascii, readOnly: false, clock: VirtualClock(Fixture.now), tick: .seconds(3600))
        let run = Task { await app.run() }
        source.feedSink.yield(.snapshot(Fixture.snapshot))
        #expect(await screen(backend) { $0.contains("gmail.com") })
        for key in [Key.char("2"), .char("D")] + Fixture.type("gmail.com/vmta1") + [.enter] { backend.send(.key(key)) }
        #expect(await screen(backend) { $0.contains("delete gmail.com/vmta1 failed: refused by policy") })
        source.feedSink.yield(.disconnected("connection refused"))
        #expect(await screen(backend) { $0.contains("STALE") && $0.contains("reconnecting: connection refused") })
        backend.send(.resize(width: 80, height: 24))
        #expect(await screen(backend) { $0.split(separator: "\n").count == 24 })
        backend.send(.signal(15))
        #expect(await run.value == .signal(15))
    }

    @Test func probeFindsAListeningSocket() throws {
        let path = "/tmp/sluice-probe-\(getpid()).sock"
        unlink(path)
        defer { unlink(path) }
        #expect(DaemonProbe.problem(connectingTo: path) != nil)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(fd, 4) == 0)
        #expect(DaemonProbe.problem(connectingTo: path) == nil)
        #expect(DaemonProbe.problem(connectingTo: String(repeating: "x", count: 200)) != nil)
    }
}
