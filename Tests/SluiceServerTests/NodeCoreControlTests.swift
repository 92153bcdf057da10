import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
@testable import SluiceServer
import Testing

/// ``NodeCore`` and ``ControlTranslation``: operator commands to the engine and back (outcomes,
/// controls, errors, what is stored).
@Suite("Node core: control commands to the engine and back")
struct NodeCoreControlTests {
    typealias F = CoreFixtures
    static let root = ControlActor.socketPeer(uid: 0, user: "root", label: "cli")

    static func context(for seconds: Double? = nil) -> CommandContext {
        let issued = F.t0.secondsSince1970
        return CommandContext(actor: root, reason: "maintenance", issuedAt: issued, expiresAt: seconds.map { issued + $0 })
    }

    @Test("a command's context becomes the engine's request: who in full, why, the duration in milliseconds, the client label")
    func requestFromContext() {
        let request = ControlTranslation.request(from: CommandContext(actor: Self.root, reason: "why", issuedAt: 1000,
                                                                       expiresAt: 1600.4))
        #expect(request == ControlRequest(who: "root (uid 0) via cli", why: "why", duration: TimeSpan(milliseconds: 600_400),
                                          client: "cli"))
        #expect(ControlTranslation.request(from: Self.context()).duration == nil)
    }

    @Test("a reply rule's dry run counts the core's recorded replies of the last hour per queue, with the configured rule that takes them; applied, it is a reply-rule control")
    func replyRuleDryRunAndControl() throws {
        var core = try F.core("""
            <smtp-pattern-list one>
                reply /^421/ mode=backoff
            </smtp-pattern-list>
            <domain one.test>
                smtp-pattern-list one
            </domain>
            """)
        let one = QueueKey(domain: "one.test", vmta: "v1"), two = QueueKey(domain: "two.test", vmta: "v1")
        for i in 0..<6 {
            core.replyPatterns.record("421 4.7.0 [TSS04] Messages from 192.0.2.\(i) deferred", outcome: .deferred,
                                      queue: i < 4 ? one : two, at: F.t0 + .seconds(Int64(i)))
        }
        core.replyPatterns.record("421 4.7.0 [TSS04] an old one", outcome: .deferred, queue: one, at: F.t0 - .hours(2))
        core.replyPatterns.record("550 5.1.1 no such user", outcome: .bounced, queue: one, at: F.t0)
        _ = try core.engine.inject(F.message(1, to: ["a@one.test"]), route: InjectionRoute(defaultVMTA: "v1"), now: F.t0)
        func dryRun(_ pattern: String) throws -> ReplyRuleDryRunResult {
            let input = core.dryRunInput(now: F.t0 + .minutes(1))
            return try NodeCore.replyRuleDryRun(pattern: pattern, over: input.replies, lists: input.lists)
        }
        let run = try dryRun(#"\[TSS04\]"#)
        #expect(run.matched == 6 && run.examined == 7, "the two-hour-old reply is not looked at")
        #expect(run.queues.map(\.name) == ["one.test/v1", "two.test/v1"] && run.queues.map(\.count) == [4, 2])
        #expect(run.alreadyMatchedBy.map(\.list) == ["one"] && run.alreadyMatchedBy.first?.count == 4)
        #expect(throws: ControlError.self) { try dryRun("(") }

        let (outcome, _) = try core.execute(.addReplyRule(target: .domain("one.test"), pattern: #"\[TSS04\]"#, actions: "bounce-rcpt"),
                                            context: Self.context(for: 3600), now: F.t0)
        let info = try #require(outcome.control)
        #expect(info.kind == .replyRule && info.target == "one.test" && info.detail == #"/\[TSS04\]/ bounce-rcpt"#)
        #expect(core.engine.replyRuleMatch(for: one, reply: "421 4.7.0 [TSS04] x")?.origin == "reply-rule #\(info.id)")
        // Persisted as a control: its kind survives the spool's JSON.
        let control = try #require(core.engine.activeControls.first)
        #expect(try JSONDecoder().decode(Control.self, from: JSONEncoder().encode(control)) == control)
        let jobPause = Control(id: 9, kind: .pause(.job("newsletter-2611")), who: "console", why: "", createdAt: F.t0, expiresAt: nil)
        let json = try JSONEncoder().encode(jobPause)
        #expect(String(decoding: json, as: UTF8.self).contains(#""job":{"_0":"newsletter-2611"}"#))
        #expect(try JSONDecoder().decode(Control.self, from: json) == jobPause)
    }

    @Test("engine controls in the control plane's form: kind, target, detail, who, why, times in seconds")
    func controlInfo() {
        let created = Instant(milliseconds: 1_000_000)
        let throttle = Control(id: 3, kind: .throttle(.domain("one.test"), directive: "max-msg-rate", value: "1/m"),
                               who: "alice", why: "warm-up", createdAt: created, expiresAt: created + .minutes(10))
        #expect(ControlTranslation.info(throttle) == ControlInfo(
            id: "3", kind: .throttle, target: "one.test", detail: "max-msg-rate=1/m", who: "alice", why: "warm-up",
            createdAt: 1000, expiresAt: 1600))
        let pause = Control(id: 4, kind: .pause(.vmta("v1")), who: "bob", why: "", createdAt: created, expiresAt: nil)
        let info = ControlTranslation.info(pause)
        #expect(info.kind == .pause && info.detail == "paused" && info.target == "v1" && info.expiresAt == nil)
    }

    @Test("hold: the outcome counts the domain's queued recipients and carries the control, which the spool stores; release forgets it")
    func holdAndRelease() throws {
        var core = try F.core()
        _ = try core.admit(F.message(1, to: ["a@one.test", "b@one.test"]), now: F.t0)
        let (held, effects) = try core.execute(.hold(domain: "one.test"), context: Self.context(), now: F.t0)
        #expect(held.message == "held one.test (2 recipient(s) queued)")
        let info = try #require(held.control)
        #expect(info.kind == .hold && info.target == "one.test" && info.who == "root (uid 0) via cli" && info.why == "maintenance")
        #expect(effects.persisted.map(\.id) == [try #require(UInt64(info.id))])
        let (released, after) = try core.execute(.release(domain: "one.test"), context: Self.context(), now: F.t0)
        #expect(released.message == "released one.test" && released.control == nil)
        #expect(after.forgotten.map(\.id) == effects.persisted.map(\.id))
        #expect(core.engine.activeControls.isEmpty)
    }

    @Test("a --persist throttle is the override file's: not stored in the spool, its cancel names the file's lines and forgets nothing")
    func persistedThrottle() throws {
        var core = try F.core()
        let command = ControlCommand.setThrottle(target: .domain("one.test"),
                                                 settings: [ThrottleSetting(directive: "max-msg-rate", value: "5/s")], persist: true)
        let (outcome, effects) = try core.execute(command, context: Self.context(for: 600), now: F.t0)
        #expect(effects.persisted.isEmpty)
        let id = try #require(outcome.control.flatMap { UInt64($0.id) })
        #expect(outcome.control?.expiresAt == F.t0.secondsSince1970 + 600)
        #expect(core.fileBackedControls == [id])
        let cancel = ControlCommand.cancelControl(id: "#\(id)")
        let lines = try #require(core.overrideLines(cancelledBy: cancel))
        #expect(lines.target == ControlTarget.domain("one.test") && lines.directive == "max-msg-rate")
        let (_, cancelled) = try core.execute(cancel, context: Self.context(), now: F.t0)
        #expect(cancelled.forgotten.isEmpty)
        #expect(core.fileBackedControls.isEmpty)
        #expect(core.overrideLines(cancelledBy: .hold(domain: "one.test")) == nil)
    }

    @Test("the engine's refusals come back as ControlError, with nothing changed")
    func refusals() throws {
        var core = try F.core()
        let cases: [(ControlCommand, ControlError.Code)] = [
            (.cancelControl(id: "99"), .unknownControl),
            (.cancelControl(id: "abc"), .unknownControl),
            (.release(domain: "one.test"), .usage),
            (.setThrottle(target: .vmta("v1"), settings: [ThrottleSetting(directive: "max-msg-rate", value: "1/s")], persist: false), .usage),
            (.setThrottle(target: .domain("one.test"), settings: [ThrottleSetting(directive: "no-such", value: "1")], persist: false),
             .badSetting),
            (.setMode(target: .domain("one.test"), mode: "fast"), .usage),
        ]
        for (command, code) in cases {
            #expect(throws: ControlError.self, "\(command)") { _ = try core.execute(command, context: Self.context(), now: F.t0) }
            do { _ = try core.execute(command, context: Self.context(), now: F.t0) } catch { #expect(error.code == code, "\(command)") }
        }
        #expect(core.engine.activeControls.isEmpty)
    }

    @Test("settings: a queue of an unknown vmta is unknown-queue, a vmta is a usage error; a domain answers with its settings and sample")
    func settings() throws {
        var core = try F.core("<domain one.test>\n    max-msg-rate 7/s\n</domain>")
        _ = try core.admit(F.message(1, to: ["a@one.test"]), now: F.t0)
        #expect { try core.settings(for: .queue(QueueKey(domain: "one.test", vmta: "nope")), now: F.t0) } throws: {
            ($0 as? ControlError)?.code == .unknownQueue
        }
        #expect { try core.settings(for: .vmta("v1"), now: F.t0) } throws: { ($0 as? ControlError)?.code == .usage }
        let answer = try core.settings(for: .domain("one.test"), now: F.t0 + .seconds(5))
        #expect(answer.queue == "one.test")
        #expect(answer.recipients.map(\.recipient) == ["a@one.test"])
        #expect(answer.recipients.first?.ageS == 5)
        #expect(core.engine.settings(for: QueueKey(domain: "one.test", vmta: "v1")).maxMsgRate.value.description == "7/s")
    }
}
