import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore

/// A fleet of three nodes: `a` is the fixture's node, `b` sends gmail.com and outlook.com through
/// its own vmta, `c` stopped answering 40 s before ``Fixture/now``.
enum FleetFixture {
    static let names = ["a", "b", "c"]

    static let nodeB: NodeSnapshot = {
        var s = Fixture.snapshot
        s.status.node = "mx2.example.net"
        s.status.queued = 1_500
        s.status.controls = [ControlInfo(id: "c-3", kind: .hold, target: "yahoo.com", detail: "held", who: "alice(1001)",
                                         why: "TSS04 storm", createdAt: Fixture.nowS - 600, expiresAt: nil)]
        s.domains = [Fixture.domains[0], Fixture.domains[2]]
        s.queues = [QueueRow(domain: "gmail.com", vmta: "vmta3", figures: Fixture.domains[0].figures),
                    QueueRow(domain: "outlook.com", vmta: "vmta3", figures: Fixture.domains[2].figures)]
        s.vmtas = [VMTARow(name: "vmta3", source: "127.0.0.21", paused: false, connections: 4, queued: 1_500, deliveredPerMin: 900,
                           deferredPerMin: 12, busiestDomains: ["outlook.com", "gmail.com"])]
        return s
    }()

    static let nodeC: NodeSnapshot = {
        var s = nodeB
        s.status.node = "mx3.example.net"
        s.status.controls = []
        s.domains = [Fixture.domains[1]]
        s.queues = [QueueRow(domain: "yahoo.com", vmta: "vmta4", figures: Fixture.domains[1].figures)]
        s.vmtas = [VMTARow(name: "vmta4", source: "127.0.0.22", paused: false, connections: 0, queued: 21_877, deliveredPerMin: 0,
                           deferredPerMin: 0, busiestDomains: ["yahoo.com"])]
        return s
    }()

    /// The fleet console after all three nodes reported, `c` last 40 s ago, at `width`×`height`.
    static func state(width: Int, height: Int) -> ConsoleState {
        var s = ConsoleState(width: width, height: height, now: Fixture.now - TimeSpan.seconds(40), fleet: names)
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "c", nodeC, at: Fixture.now - TimeSpan.seconds(40)))
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "a", Fixture.snapshot, at: Fixture.now - TimeSpan.seconds(1)))
        _ = ConsoleReducer.reduce(&s, .nodeSnapshot(node: "b", nodeB, at: Fixture.now - TimeSpan.seconds(1)))
        _ = ConsoleReducer.reduce(&s, .events(Fixture.events))
        _ = ConsoleReducer.reduce(&s, .tick(Fixture.now))
        return s
    }
}
