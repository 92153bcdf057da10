import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import Synchronization
import Testing

/// The fleet console's pure parts: merging node snapshots, per-node staleness over an injected
/// clock, drill-down, fleet-wide actions and the `--node` parser.
@Suite struct FleetTests {
    @Test func mergeKeepsEveryNodesRowsAndSumsTotals() throws {
        var a = FleetNode(name: "a"), b = FleetNode(name: "b")
        a.snapshot = Fixture.snapshot
        b.snapshot = FleetFixture.nodeB
        let (merged, rows) = try #require(FleetMerge.merge([a, b, FleetNode(name: "c")]))
        #expect(merged.domains.count == Fixture.domains.count + 2)
        #expect(rows.domains == Array(repeating: "a", count: Fixture.domains.count) + ["b", "b"])
        #expect(rows.vmtas == ["a", "a", "b"])
        #expect(merged.status.queued == Fixture.snapshot.status.queued + 1_500)
        #expect(merged.status.out.perS == Fixture.snapshot.status.out.perS * 2)
        #expect(merged.status.node == "fleet")
        #expect(merged.status.history.out.count == Fixture.snapshot.status.history.out.count)
        #expect(merged.status.history.out.last == 2 * (Fixture.snapshot.status.history.out.last ?? 0))
        #expect(merged.status.controls.map(\.id) == ["a:c-17", "a:c-18", "a:c-19", "b:c-3"])
        #expect(FleetMerge.merge([FleetNode(name: "a")]) == nil, "nothing to merge before a node reported")
    }

    @Test func historiesOfDifferentLengthsAlignOnTheNewestSecond() {
        #expect(FleetMerge.elementwiseSum([[1, 2, 3], [10]]) == [1, 2, 13])
        #expect(FleetMerge.elementwiseSum([]) == [])
    }

    @Test func aNodeThatStopsSendingTurnsStaleAndKeepsItsRows() {
        var s = ConsoleState(width: 80, height: 24, now: Fixture.now, fleet: FleetFixture.names)
        #expect(s.isStale, "no node has answered yet")
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "a", Fixture.snapshot, at: Fixture.now))
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "b", FleetFixture.nodeB, at: Fixture.now))
        #expect(s.fleet?.staleNodes(at: s.now) == ["c"], "c never answered")
        #expect(!s.isStale)
        // a keeps sending, b goes quiet: 6 s later only b (and c) are stale.
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "a", Fixture.snapshot, at: Fixture.now + TimeSpan.seconds(6)))
        _ = ConsoleReducer.reduce(&s, .tick(Fixture.now + TimeSpan.seconds(6)))
        #expect(s.fleet?.staleNodes(at: s.now) == ["b", "c"])
        #expect(s.snapshot?.vmtas.map(\.name) == ["vmta1", "vmta2", "vmta3"], "b's last figures are kept")
        #expect(!s.isStale, "the fleet is not stale while a node answers")
        // b answers again: fresh.
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "b", FleetFixture.nodeB, at: Fixture.now + TimeSpan.seconds(7)))
        #expect(s.fleet?.staleNodes(at: s.now) == ["c"])
    }

    @Test func aLostNodeIsStaleAtOnceAndTheFleetOnlyWhenAllAre() {
        var s = FleetFixture.state(width: 80, height: 24)
        _ = ConsoleReducer.reduce(&s, .nodeLost(node: "a", "connection refused"))
        #expect(s.fleet?.staleNodes(at: s.now) == ["a", "c"])
        #expect(s.connectionProblem == nil)
        #expect(s.snapshot?.domains.count == Fixture.domains.count + 3)
        _ = ConsoleReducer.reduce(&s, .nodeLost(node: "b", "connection refused"))
        _ = ConsoleReducer.reduce(&s, .nodeLost(node: "c", "no such file"))
        #expect(s.isStale)
        #expect(s.connectionProblem == "a: connection refused; b: connection refused; c: no such file")
        #expect(ConsoleReducer.reduce(&s, .nodeSnapshot(node: "z", Fixture.snapshot, at: Fixture.now)) == [])
        #expect(s.fleet?.nodes.map(\.name) == FleetFixture.names, "an unknown node is ignored")
    }

    @Test func drillDownCyclesThroughTheNodesAndBack() {
        var s = FleetFixture.state(width: 80, height: 24)
        Fixture.press([.char("3")], &s)
        #expect(s.vmtas.rows.count == 4)
        Fixture.press([.char("n")], &s)
        #expect(s.fleet?.focus == "a")
        #expect(s.snapshot?.vmtas.map(\.name) == ["vmta1", "vmta2"])
        #expect(s.snapshot?.status.queued == Fixture.snapshot.status.queued, "totals are the node's")
        Fixture.press([.char("n"), .char("n")], &s)
        #expect(s.fleet?.focus == "c")
        #expect(s.isStale, "the drill-down shows c, which is stale")
        Fixture.press([.char("n")], &s)
        #expect(s.fleet?.focus == nil)
        #expect(s.vmtas.rows.count == 4)
    }

    @Test func selectionFollowsTheRowOfItsNode() {
        var s = FleetFixture.state(width: 80, height: 24)
        // By delivered, descending (ties by name, descending too): vmta1@a 1,671, vmta3@b 900, vmta4@c 0, vmta2@a 0.
        Fixture.press([.char("3"), .down], &s)
        #expect(s.vmtas.selectedName == "vmta3@b")
        var slower = FleetFixture.nodeB
        slower.vmtas[0].deliveredPerMin = 0
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "b", slower, at: Fixture.now))
        #expect(s.vmtas.selectedName == "vmta3@b")
        #expect(s.vmtas.selected == 2, "vmta3 fell below vmta4 (same figure, then by name) and the selection went with it")
    }

    @Test func aHoldTypedInTheFleetConsoleIsOneRequestForTheFleet() {
        var s = FleetFixture.state(width: 80, height: 24)
        let effects = Fixture.press([.char("g"), .char("h")] + Fixture.type("storm") + [.enter], &s)
        #expect(effects == [.request(.holdDomain(domain: "gmail.com", reason: "storm", ttl: nil))])
    }

    @Test func requestsGoToEveryNodeAndUndoToItsNode() async {
        let a = RecordingSource(), b = RecordingSource(), c = RecordingSource(failing: true)
        let fleet = FleetDataSource(members: [.init(name: "a", source: a), .init(name: "b", source: b)])
        let hold = OperatorRequest.holdDomain(domain: "gmail.com", reason: "storm", ttl: nil)
        #expect(await fleet.perform(hold) == .success("held on 2 nodes (a, b)"))
        #expect(a.requests.withLock { $0 } == [hold])
        #expect(b.requests.withLock { $0 } == [hold])
        #expect(await fleet.perform(.cancelControl(id: "b:c-3", reason: "over")) == .success("b: held"))
        #expect(b.requests.withLock { $0.last } == .cancelControl(id: "c-3", reason: "over"))
        #expect(a.requests.withLock { $0.count } == 1)
        if case .success = await fleet.perform(.cancelControl(id: "c-3", reason: "")) { Issue.record("an id without node") }

        let partly = FleetDataSource(members: [.init(name: "a", source: a), .init(name: "c", source: c)])
        #expect(await partly.perform(hold) == .failure(OperatorError("c: refused; done on a")))
        #expect(partly.fleetNodes == ["a", "c"])
    }

    @Test func feedsAreTaggedWithTheirNode() async {
        let a = RecordingSource(), b = RecordingSource()
        a.sink.yield(.snapshot(Fixture.snapshot))
        b.sink.yield(.disconnected("gone"))
        a.sink.finish(); b.sink.finish()
        var seen: [String] = []
        for await item in FleetDataSource(members: [.init(name: "a", source: a), .init(name: "b", source: b)]).feed() {
            if case .node(let node, let inner) = item {
                if case .snapshot = inner { seen.append(node + ":snapshot") }
                if case .disconnected = inner { seen.append(node + ":lost") }
            }
        }
        #expect(seen.sorted() == ["a:snapshot", "b:lost"])
    }

    @Test func nodeOptionsAreParsedAndChecked() throws {
        #expect(try FleetMemberSpec(parsing: "b=/run/sluice-b.sock") == FleetMemberSpec(name: "b", socketPath: "/run/sluice-b.sock"))
        #expect(try FleetMemberSpec(parsing: "x=/tmp/a=b.sock").socketPath == "/tmp/a=b.sock")
        for bad in ["b", "=/run/x.sock", "b=", "a:b=/x", "a b=/x"] {
            #expect(throws: FleetMemberSpec.ParseError.self, "\(bad)") { try FleetMemberSpec(parsing: bad) }
        }
        #expect(throws: FleetMemberSpec.ParseError.self) { try FleetMemberSpec.validated([]) }
        let twice = [FleetMemberSpec(name: "a", socketPath: "/1"), FleetMemberSpec(name: "a", socketPath: "/2")]
        #expect(throws: FleetMemberSpec.ParseError.self) { try FleetMemberSpec.validated(twice) }
    }

    @Test func theClusterBlockNamesThisNodeFirstThenItsMembers() {
        var cluster = ClusterSettings(redisHost: "127.0.0.1", redisPort: 6379, nodeName: "a")
        cluster.members = [.init(name: "b", socketPath: "/run/b.sock"), .init(name: "c", socketPath: "/run/c.sock")]
        #expect(FleetMemberSpec.members(of: cluster, ownSocket: "/var/spool/sluice/control.sock")
                == [FleetMemberSpec(name: "a", socketPath: "/var/spool/sluice/control.sock"),
                    FleetMemberSpec(name: "b", socketPath: "/run/b.sock"), FleetMemberSpec(name: "c", socketPath: "/run/c.sock")])
    }
}

/// A node's data source that records requests and answers `held` (or refuses).
final class RecordingSource: ConsoleDataSource {
    let requests = Mutex<[OperatorRequest]>([])
    let failing: Bool
    private let stream: AsyncStream<ConsoleFeed>
    let sink: AsyncStream<ConsoleFeed>.Continuation

    init(failing: Bool = false) {
        self.failing = failing
        (stream, sink) = AsyncStream.makeStream(of: ConsoleFeed.self)
    }

    func feed() -> AsyncStream<ConsoleFeed> { stream }

    func perform(_ request: OperatorRequest) async -> Result<String, OperatorError> {
        requests.withLock { $0.append(request) }
        return failing ? .failure(OperatorError("refused")) : .success("held")
    }

    func settings(for target: String) async -> Result<SettingsSnapshot, OperatorError> { .failure(OperatorError("none")) }

    func historyFrame(minute: Int64) async -> Result<HistoryFrame?, OperatorError> { .success(nil) }

    func historySeries(kind: HistoryKind, name: String) async -> Result<[HistoryPoint], OperatorError> { .success([]) }

    func dryRun(pattern: String) async -> Result<ReplyRuleDryRunResult, OperatorError> {
        failing ? .failure(OperatorError("refused")) : .success(Fixture.yahooDryRun(pattern))
    }
}
