import Foundation
import Testing
@testable import SluiceCore

/// The persisted forms of the control vocabulary stay readable: controls in an existing spool
/// (one JSON file per control) and commands in an existing audit log. The samples below were
/// written by the version before the vocabulary was unified (synthesized `Codable`), byte for
/// byte; they must decode, and today's encoding must give the same bytes.
@Suite("Persisted controls and commands")
struct ControlPersistenceTests {
    /// Controls as the spool's `controls/` files held them (keys sorted here; the spool writes
    /// them in any order, see ``unsortedSpoolFiles``).
    static let spoolFiles = [
        #"{"client":"cli","createdAt":1000,"expiresAt":1801000,"id":1,"kind":{"hold":{"_0":{"domain":{"_0":"gmail.com"}}}},"who":"alice (uid 1000) via cli","why":"complaints"}"#,
        #"{"createdAt":5,"id":2,"kind":{"pause":{"_0":{"vmta":{"_0":"vmta1"}}}},"who":"token ops","why":""}"#,
        #"{"createdAt":7,"expiresAt":3600007,"id":3,"kind":{"pause":{"_0":{"queue":{"_0":"yahoo.com\/vmta2"}}}},"who":"smtp-pattern-list:yahoo","why":"421 4.7.0 [TS01] try later"}"#,
        #"{"client":"console","createdAt":9,"id":4,"kind":{"throttle":{"_0":{"domain":{"_0":"outlook.com"}},"directive":"max-msg-rate","value":"10\/s"}},"who":"console","why":"warm-up"}"#,
        #"{"createdAt":11,"id":5,"kind":{"throttle":{"_0":{"queue":{"_0":"[rollup]\/v"}},"directive":"max-smtp-out","value":"2"}},"who":"x","why":"y"}"#,
    ]

    /// The same controls with the keys in the order the old encoder happened to write them.
    static let unsortedSpoolFiles = [
        #"{"createdAt":1000,"why":"complaints","expiresAt":1801000,"kind":{"hold":{"_0":{"domain":{"_0":"gmail.com"}}}},"id":1,"who":"alice (uid 1000) via cli","client":"cli"}"#,
        #"{"who":"token ops","kind":{"pause":{"_0":{"vmta":{"_0":"vmta1"}}}},"createdAt":5,"id":2,"why":""}"#,
        #"{"expiresAt":3600007,"id":3,"createdAt":7,"why":"421 4.7.0 [TS01] try later","kind":{"pause":{"_0":{"queue":{"_0":"yahoo.com\/vmta2"}}}},"who":"smtp-pattern-list:yahoo"}"#,
        #"{"kind":{"throttle":{"directive":"max-msg-rate","value":"10\/s","_0":{"domain":{"_0":"outlook.com"}}}},"id":4,"who":"console","why":"warm-up","createdAt":9,"client":"console"}"#,
        #"{"why":"y","createdAt":11,"kind":{"throttle":{"value":"2","_0":{"queue":{"_0":"[rollup]\/v"}},"directive":"max-smtp-out"}},"who":"x","id":5}"#,
    ]

    static let controls = [
        Control(id: 1, kind: .hold(.domain("gmail.com")), who: "alice (uid 1000) via cli", why: "complaints",
                createdAt: Instant(milliseconds: 1_000), expiresAt: Instant(milliseconds: 1_801_000), client: "cli"),
        Control(id: 2, kind: .pause(.vmta("vmta1")), who: "token ops", why: "", createdAt: Instant(milliseconds: 5), expiresAt: nil),
        Control(id: 3, kind: .pause(.queue(QueueKey(domain: "yahoo.com", vmta: "vmta2"))), who: "smtp-pattern-list:yahoo",
                why: "421 4.7.0 [TS01] try later", createdAt: Instant(milliseconds: 7), expiresAt: Instant(milliseconds: 3_600_007)),
        Control(id: 4, kind: .throttle(.domain("outlook.com"), directive: "max-msg-rate", value: "10/s"), who: "console",
                why: "warm-up", createdAt: Instant(milliseconds: 9), expiresAt: nil, client: "console"),
        Control(id: 5, kind: .throttle(.queue(QueueKey(domain: "[rollup]", vmta: "v")), directive: "max-smtp-out", value: "2"),
                who: "x", why: "y", createdAt: Instant(milliseconds: 11), expiresAt: nil),
    ]

    @Test("an existing spool's controls load, and are written as before")
    func spoolControls() throws {
        for (i, text) in (Self.spoolFiles + Self.unsortedSpoolFiles).enumerated() {
            let control = try JSONDecoder().decode(Control.self, from: Data(text.utf8))
            #expect(control == Self.controls[i % Self.controls.count], "\(text)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (control, text) in zip(Self.controls, Self.spoolFiles) {
            #expect(String(decoding: try encoder.encode(control), as: UTF8.self) == text)
        }
    }

    @Test("a persisted control's target is read as written, without the control plane's name checks")
    func persistedTargetsAreNotRechecked() throws {
        let text = #"{"createdAt":1,"id":9,"kind":{"hold":{"_0":{"domain":{"_0":"*.weird name"}}}},"who":"x","why":""}"#
        #expect(try JSONDecoder().decode(Control.self, from: Data(text.utf8)).kind == .hold(.domain("*.weird name")))
        let bad = #"{"createdAt":1,"id":9,"kind":{"hold":{"_0":{"domain":"gmail.com"}}},"who":"x","why":""}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Control.self, from: Data(bad.utf8)) }
    }

    /// Commands as the audit log (and the control socket) wrote them.
    static let commands: [(String, ControlCommand)] = [
        (#"{"hold":{"domain":"gmail.com"}}"#, .hold(domain: "gmail.com")),
        (#"{"release":{"domain":"gmail.com"}}"#, .release(domain: "gmail.com")),
        (#"{"pause":{"target":{"vmta":"vmta1"}}}"#, .pause(target: .vmta("vmta1"))),
        (#"{"resume":{"target":{"queue":"gmail.com\/vmta1"}}}"#, .resume(target: .queue(QueueKey(domain: "gmail.com", vmta: "vmta1")))),
        (#"{"setMode":{"mode":"backoff","target":{"domain":"gmail.com"}}}"#, .setMode(target: .domain("gmail.com"), mode: "backoff")),
        (#"{"setThrottle":{"persist":true,"settings":[{"directive":"max-msg-rate","value":"20\/s"}],"target":{"queue":"gmail.com\/vmta1"}}}"#,
         .setThrottle(target: .queue(QueueKey(domain: "gmail.com", vmta: "vmta1")),
                      settings: [ThrottleSetting(directive: "max-msg-rate", value: "20/s")], persist: true)),
        (#"{"schedule":{"target":{"queue":"gmail.com\/vmta1"}}}"#, .schedule(target: .queue(QueueKey(domain: "gmail.com", vmta: "vmta1")))),
        (#"{"delete":{"asBounces":true,"target":{"domain":"gmail.com"}}}"#, .delete(target: .domain("gmail.com"), asBounces: true)),
        (#"{"reload":{}}"#, .reload),
        (#"{"cancelControl":{"id":"7"}}"#, .cancelControl(id: "7")),
    ]

    @Test("an existing audit log's commands load, and are written as before")
    func auditCommands() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (text, command) in Self.commands {
            #expect(try JSONDecoder().decode(ControlCommand.self, from: Data(text.utf8)) == command, "\(text)")
            #expect(String(decoding: try encoder.encode(command), as: UTF8.self) == text)
        }
        let error = ControlError.unknownQueue("x")
        #expect(String(decoding: try encoder.encode(error), as: UTF8.self) == #"{"code":"unknown-queue","message":"no queue matches 'x'"}"#)
    }
}
