import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
@testable import SluiceServer
import Testing

/// The pure rules of fleet-wide operator actions: what a command shares, what a received action
/// does here, and how a node's controls and the fleet's stored actions are reconciled.
struct FleetActionPlannerTests {
    let alice = ControlActor(uid: 1000, user: "alice", tokenID: nil, label: "console")

    func context(at time: Double = 1_000, until: Double? = nil) -> CommandContext {
        CommandContext(actor: alice, reason: "TSS04", issuedAt: time, expiresAt: until)
    }

    func control(_ id: UInt64, _ kind: ControlKind, at time: Double = 1_000, until: Double? = nil, client: String = "console") -> Control {
        Control(id: id, kind: kind, who: "alice (uid 1000) via \(client)", why: "TSS04",
                createdAt: Instant(milliseconds: Int64(time * 1000)), expiresAt: until.map { Instant(milliseconds: Int64($0 * 1000)) },
                client: client)
    }

    @Test("a hold, a pause and a two-directive throttle are shared under their slots; release, resume and cancel leave tombstones")
    func sharing() {
        let hold = FleetActionPlanner.actions(for: .hold(domain: "Yahoo.com"), context: context(until: 2_800), node: "a", controlsBefore: [])
        #expect(hold.map(\.slot) == ["hold yahoo.com"] && hold[0].expiresAt == 2_800 && hold[0].origin == "a" && hold[0].isLasting)
        let pause = FleetActionPlanner.actions(for: .pause(target: .vmta("vmta3")), context: context(), node: "a", controlsBefore: [])
        #expect(pause.map(\.slot) == ["pause vmta vmta3"])
        let throttle = FleetActionPlanner.actions(
            for: .setThrottle(target: .domain("gmail.com"), settings: [ThrottleSetting(directive: "max-msg-rate", value: "10/s"),
                                                                       ThrottleSetting(directive: "max-smtp-out", value: "4")],
                              persist: false),
            context: context(), node: "a", controlsBefore: [])
        #expect(throttle.map(\.slot) == ["throttle gmail.com max-msg-rate", "throttle gmail.com max-smtp-out"])
        #expect(throttle[1].command == .setThrottle(target: .domain("gmail.com"),
                                                    settings: [ThrottleSetting(directive: "max-smtp-out", value: "4")], persist: false))

        let release = FleetActionPlanner.actions(for: .release(domain: "yahoo.com"), context: context(at: 1_500), node: "b", controlsBefore: [])
        #expect(release.map(\.slot) == ["hold yahoo.com"] && release[0].isCleared && release[0].time == 1_500)
        let throttled = control(7, .throttle(.domain("gmail.com"), directive: "max-msg-rate", value: "10/s"))
        let cancel = FleetActionPlanner.actions(for: .cancelControl(id: "#7"), context: context(), node: "b", controlsBefore: [throttled])
        #expect(cancel.map(\.slot) == ["throttle gmail.com max-msg-rate"] && cancel[0].isCleared)
        #expect(FleetActionPlanner.actions(for: .cancelControl(id: "9"), context: context(), node: "b", controlsBefore: [throttled]).isEmpty)
        #expect(FleetActionPlanner.actions(for: .delete(target: .domain("gmail.com"), asBounces: true), context: context(),
                                           node: "b", controlsBefore: []).isEmpty)
        let mode = FleetActionPlanner.actions(for: .setMode(target: .domain("gmail.com"), mode: "backoff"), context: context(),
                                              node: "b", controlsBefore: [])
        #expect(mode.count == 1 && mode[0].slot.isEmpty && !mode[0].isLasting)
    }

    @Test("a received hold is applied for what is left of its TTL, once: the same control already here is left alone")
    func receiving() {
        let hold = FleetActionPlanner.actions(for: .hold(domain: "yahoo.com"), context: context(until: 2_800), node: "a", controlsBefore: [])[0]
        #expect(FleetActionPlanner.step(for: hold, controls: [], now: 1_000.2) == .apply(.hold(domain: "yahoo.com"), ttlSeconds: 1_800))
        let here = control(3, .hold(.domain("yahoo.com")), until: 2_801)
        #expect(FleetActionPlanner.step(for: hold, controls: [here], now: 1_001) == .none)
        #expect(FleetActionPlanner.step(for: hold, controls: [], now: 2_900) == .none, "lapsed")
        let forever = control(4, .hold(.domain("yahoo.com")))
        #expect(FleetActionPlanner.step(for: hold, controls: [forever], now: 1_001) == .apply(.hold(domain: "yahoo.com"), ttlSeconds: 1_799),
                "a different expiry replaces the control")

        let release = FleetActionPlanner.actions(for: .release(domain: "yahoo.com"), context: context(at: 1_500), node: "b", controlsBefore: [])[0]
        #expect(FleetActionPlanner.step(for: release, controls: [here], now: 1_500) == .end(here))
        #expect(FleetActionPlanner.step(for: release, controls: [], now: 1_500) == .none)
        #expect(FleetActionPlanner.ending(here) == .release(domain: "yahoo.com"))
        #expect(FleetActionPlanner.ending(control(5, .pause(.vmta("v3")))) == .resume(target: .vmta("v3")))
        #expect(FleetActionPlanner.ending(control(6, .throttle(.domain("g.com"), directive: "max-smtp-out", value: "2"))) == .cancelControl(id: "6"))
    }

    @Test("reconciling after a restart or reconnect: take the fleet's controls, end what it ended, share what it never saw")
    func reconciling() {
        let held = FleetActionPlanner.actions(for: .hold(domain: "yahoo.com"), context: context(at: 1_000), node: "a", controlsBefore: [])[0]
        let releasedGmail = FleetActionPlanner.actions(for: .release(domain: "gmail.com"), context: context(at: 1_200), node: "b", controlsBefore: [])[0]
        let lapsed = FleetActionPlanner.actions(for: .pause(target: .vmta("v1")), context: context(at: 900, until: 950), node: "a",
                                                controlsBefore: [])[0]
        let oldGmailHold = control(1, .hold(.domain("gmail.com")), at: 1_100, client: "fleet:a/cli")
        let newerLocalPause = control(2, .pause(.vmta("v2")), at: 1_300, client: "cli")
        let blocklistPause = control(3, .pause(.vmta("v9")), at: 1_300, client: "blocklist-watch")
        let plan = FleetActionPlanner.reconcile(stored: [held, releasedGmail, lapsed],
                                                controls: [oldGmailHold, newerLocalPause, blocklistPause],
                                                node: "c", now: 1_400, isShared: { $0.client != "blocklist-watch" })
        #expect(plan.steps.map(\.step) == [.end(oldGmailHold), .apply(.hold(domain: "yahoo.com"), ttlSeconds: nil)])
        #expect(plan.publish.map(\.slot) == ["pause vmta v2"] && plan.publish[0].origin == "c" && plan.publish[0].actor.label == "cli")
        #expect(plan.forget == ["pause vmta v1"])

        // A local hold given while Redis was down, after the fleet's tombstone, wins and is shared.
        let newerHold = control(4, .hold(.domain("gmail.com")), at: 1_300, client: "console")
        let again = FleetActionPlanner.reconcile(stored: [releasedGmail], controls: [newerHold], node: "c", now: 1_400, isShared: { _ in true })
        #expect(again.steps.isEmpty && again.publish.map(\.slot) == ["hold gmail.com"])
        // A control received from the fleet keeps its origin when shared again (Redis lost its data).
        let relayed = FleetActionPlanner.reconcile(stored: [], controls: [oldGmailHold], node: "c", now: 1_400, isShared: { _ in true })
        #expect(relayed.publish.map(\.origin) == ["a"] && relayed.publish.map(\.actor.label) == ["cli"])
        // Old tombstones are forgotten.
        let old = FleetActionPlanner.reconcile(stored: [releasedGmail], controls: [], node: "c", now: 1_200 + 90_000, isShared: { _ in true })
        #expect(old.forget == ["hold gmail.com"])
    }
}
