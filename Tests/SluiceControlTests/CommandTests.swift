import Foundation
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceCore

@Suite("Commands and validation")
struct CommandTests {
    func roundTrip(_ command: ControlOperation) throws -> (String, ControlOperation) {
        let data = try controlJSONEncoder().encode(command)
        return (String(decoding: data, as: UTF8.self), try JSONDecoder().decode(ControlOperation.self, from: data))
    }

    @Test("ControlInfo.kind is a typed enum whose JSON is the same string as before")
    func controlInfoKindKeepsItsJSON() throws {
        for kind in ControlInfo.Kind.allCases {
            let info = ControlInfo(id: "c1", kind: kind, target: "gmail.com", detail: "d", who: "w", why: "y",
                                   createdAt: 1, expiresAt: nil)
            let json = String(decoding: try controlJSONEncoder().encode(info), as: UTF8.self)
            #expect(json.contains("\"kind\":\"\(kind.rawValue)\""), "\(json)")
            #expect(try JSONDecoder().decode(ControlInfo.self, from: Data(json.utf8)) == info)
        }
        #expect(ControlInfo.Kind.allCases.map(\.rawValue) == ["hold", "pause", "throttle", "reply-rule"])
        let unknown = #"{"id":"c1","kind":"mode","target":"a","detail":"","who":"","why":"","created_at":1}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ControlInfo.self, from: Data(unknown.utf8)) }
    }

    @Test func commandsEncodeAsOneKeyAndRoundTrip() throws {
        let queue = try ControlTarget.domainOrQueue("Gmail.com/vmta1")
        let commands: [ControlOperation] = [
            .status, .queues, .domains, .topDomains(limit: 5), .vmtas, .listControls,
            .settings(target: queue), .events(filter: EventFilter(kind: "bounced", queue: "gmail.com", limit: 10)),
            .execute(.hold(domain: "gmail.com")), .execute(.release(domain: "gmail.com")),
            .execute(.pause(target: .vmta("vmta1"))), .execute(.resume(target: queue)),
            .execute(.setMode(target: .domain("gmail.com"), mode: "backoff")),
            .execute(.setThrottle(target: queue, settings: [.init(directive: "max-msg-rate", value: "20/s")], persist: true)),
            .execute(.schedule(target: queue)), .execute(.delete(target: queue, asBounces: true)), .execute(.reload),
            .execute(.cancelControl(id: "c1")), .jobs, .replyRuleDryRun(pattern: #"\[TSS04\]"#),
            .execute(.pause(target: .job("newsletter-2611"))), .execute(.delete(target: .job("promo"), asBounces: false)),
            .execute(.addReplyRule(target: .domain("yahoo.com"), pattern: #"\[TSS04\]"#, actions: "disable-source-ip=1h bounce-rcpt")),
        ]
        for command in commands {
            let (json, back) = try roundTrip(command)
            #expect(back == command, "\(json)")
        }
        #expect(try roundTrip(.execute(.hold(domain: "gmail.com"))).0 == #"{"hold":{"domain":"gmail.com"}}"#)
        #expect(try roundTrip(.execute(.pause(target: .vmta("vmta1")))).0 == #"{"pause":{"target":{"vmta":"vmta1"}}}"#)
        #expect(try roundTrip(.status).0 == #"{"status":{}}"#)
        #expect(try roundTrip(.execute(.pause(target: .job("n")))).0 == #"{"pause":{"target":{"job":"n"}}}"#)
        #expect(try roundTrip(.execute(.addReplyRule(target: .domain("y.com"), pattern: "x", actions: "bounce-rcpt"))).0
                == #"{"addReplyRule":{"actions":"bounce-rcpt","pattern":"x","target":{"domain":"y.com"}}}"#)
        #expect(queue == .queue(QueueKey(domain: "gmail.com", vmta: "vmta1")))
    }

    @Test func malformedCommandsDoNotDecode() {
        for text in [#"{}"#, #"{"status":{},"queues":{}}"#, #"{"pause":{"target":{}}}"#, #"{"pause":{"target":{"queue":"nodomain"}}}"#,
                     #"{"hold":{"domain":7}}"#, #"[]"#, #"{"settings":{"target":{"domain":"a b"}}}"#] {
            #expect(throws: DecodingError.self, "\(text)") { try JSONDecoder().decode(ControlOperation.self, from: Data(text.utf8)) }
        }
    }

    @Test func targetsParse() throws {
        #expect(try ControlTarget.domainOrQueue("Example.COM") == .domain("example.com"))
        #expect(try ControlTarget.domainOrQueue("example.com/vmta-2") == .queue(QueueKey(domain: "example.com", vmta: "vmta-2")))
        for bad in ["", "a b", "/vmta1", "example.com/", "a/b/c", "nosuch..dom", ".example.com", "ex!ample.com", "a\u{0}b.com"] {
            #expect(throws: ControlError.self, "\(bad)") { _ = try ControlTarget.domainOrQueue(bad) }
        }
        #expect(throws: ControlError.self) { _ = try ControlTarget.vmtaNamed("a/b") }
    }

    @Test func throttleValidationUsesTheDirectiveCatalog() throws {
        try CommandValidator.validate(throttle: [.init(directive: "max-msg-rate", value: "50/s"), .init(directive: "max-smtp-out", value: "4")])
        func code(_ settings: [ThrottleSetting]) -> ControlError.Code? {
            do { try CommandValidator.validate(throttle: settings); return nil } catch { return error.code }
        }
        #expect(code([.init(directive: "max-msg-rate", value: "50/fortnight")]) == .badSetting)
        #expect(code([.init(directive: "max-msg-rat", value: "50/s")]) == .badSetting)
        #expect(code([.init(directive: "bounce-after", value: "1d")]) == .badSetting)
        #expect(code([.init(directive: "max-smtp-out", value: "0")]) == .badSetting)
        #expect(code([.init(directive: "max-smtp-out", value: "2"), .init(directive: "max-smtp-out", value: "3")]) == .badSetting)
        #expect(code([]) == .usage)
        #expect(try CommandValidator.parseThrottleWords(["Max-Msg-Rate=50/s"]) == [.init(directive: "max-msg-rate", value: "50/s")])
        #expect(throws: ControlError.self) { _ = try CommandValidator.parseThrottleWords(["max-msg-rate"]) }
    }

    @Test func commandsAreCheckedForTargetKindModeAndTTL() {
        func code(_ c: ControlCommand, ttl: Int? = nil) -> ControlError.Code? {
            do { try CommandValidator.validate(c, ttlSeconds: ttl); return nil } catch { return error.code }
        }
        #expect(code(.hold(domain: "gmail.com"), ttl: 1800) == nil)
        #expect(code(.hold(domain: "gmail.com/vmta1")) == .usage)
        #expect(code(.pause(target: .domain("gmail.com"))) == .usage)
        #expect(code(.pause(target: .vmta("vmta1")), ttl: 60) == nil)
        #expect(code(.setMode(target: .domain("gmail.com"), mode: "turbo")) == .usage)
        #expect(code(.setMode(target: .vmta("vmta1"), mode: "backoff")) == .usage)
        #expect(code(.schedule(target: .domain("gmail.com")), ttl: 60) == .usage)
        #expect(code(.hold(domain: "gmail.com"), ttl: 0) == .usage)
        #expect(code(.hold(domain: "gmail.com"), ttl: 400 * 86_400) == .usage)
        #expect(code(.cancelControl(id: "")) == .usage)
    }

    @Test func reasonPolicyFillsClientDefaultsAndRequiresOneFromHTTP() throws {
        let policy = ReasonPolicy.standard
        #expect(try policy.reason("  spam complaints ", label: "cli") == "spam complaints")
        #expect(try policy.reason(nil, label: "cli").contains("CLI"))
        #expect(try policy.reason("", label: "console").contains("console"))
        #expect(throws: ControlError.self) { _ = try policy.reason(nil, label: "http:ops") }
        #expect(throws: ControlError.self) { _ = try policy.reason("two\nlines", label: "cli") }
    }

    @Test func errorCodesMapToExitStatuses() {
        #expect(ControlError(.usage, "").exitCode == 2)
        #expect(ControlError(.unavailable, "").exitCode == 2)
        #expect(ControlError(.unknownQueue, "").exitCode == 1)
        #expect(ControlError(.permissionDenied, "").exitCode == 1)
        #expect(ControlError(.refused, "").exitCode == 1)
        #expect(ControlError(.unknownQueue, "").httpStatus == 404)
    }

    @Test func eventFilterMatchesKindAndQueue() {
        let e = event(1)
        #expect(EventFilter(queue: "gmail.com").matches(e))
        #expect(EventFilter(queue: "gmail.com/vmta1").matches(e))
        #expect(!EventFilter(queue: "gmail.co").matches(e))
        #expect(!EventFilter(queue: "gmail.com/vmta2").matches(e))
        #expect(EventFilter(kind: "delivered").matches(e))
        #expect(!EventFilter(kind: "bounced").matches(e))
    }

    @Test func topDomainsAreTheMostQueuedFirst() {
        let rows = [DomainRow(name: "b.com", figures: figures(queued: 5)), DomainRow(name: "a.com", figures: figures(queued: 5)),
                    DomainRow(name: "c.com", figures: figures(queued: 50))]
        #expect(ControlService.topDomains(rows, limit: 2).map(\.name) == ["c.com", "a.com"])
    }
}
