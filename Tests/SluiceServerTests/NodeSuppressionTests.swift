import Foundation
import SluiceBase
import SluiceConfig
import SluiceControlServer
import SluiceSuppression
import Testing
@testable import SluiceServer

/// What the node adds to its list by itself, and what it leaves alone.
@Suite struct NodeSuppressionTests {
    private let time = Instant(milliseconds: 1_764_930_672_000)

    private func withSuppression(_ settings: SuppressionSettings,
                                 _ body: (NodeSuppression) async throws -> Void) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let suppression = NodeSuppression(settings: settings, store: try NodeSuppression.open(settings, spoolDirectory: dir),
                                          spoolDirectory: dir, events: EventHub(), log: { _ in })
        suppression.start()
        try await body(suppression)
        await suppression.close()
    }

    @Test("the configured scope: sender-domain from the sender, job from the job id, global when there is neither")
    func scopes() async throws {
        var settings = SuppressionSettings()
        settings.scope = .senderDomain
        try await withSuppression(settings) { suppression in
            suppression.suppress(recipient: "A@x.test", reason: "bad-mailbox", source: "b", sender: "news@Shop.example",
                                 jobID: "j", time: time)
            suppression.suppress(recipient: "b@x.test", reason: "bad-domain", source: "b", sender: "", jobID: nil, time: time)
            #expect(suppression.check(recipient: "a@x.test", sender: "other@shop.example", jobID: nil)?.scope
                    == .senderDomain("shop.example"))
            #expect(suppression.check(recipient: "a@x.test", sender: "news@elsewhere.example", jobID: nil) == nil)
            #expect(suppression.check(recipient: "b@x.test", sender: "x@any.example", jobID: nil)?.scope == .global)
            // Written by the background writer.
            let store = try #require(suppression.store)
            try await waitUntil("written") { try store.entries(for: "a@x.test").count == 1 && store.entries(for: "b@x.test").count == 1 }
        }
        settings.scope = .job
        try await withSuppression(settings) { suppression in
            suppression.suppress(recipient: "c@x.test", reason: "inactive-mailbox", source: "b", sender: "s@shop.example",
                                 jobID: "spring", time: time)
            #expect(suppression.check(recipient: "c@x.test", sender: "s@shop.example", jobID: "spring")?.scope == .job("spring"))
            #expect(suppression.check(recipient: "c@x.test", sender: "s@shop.example", jobID: nil) == nil)
        }
    }

    @Test("only configured categories and, with suppress-complaints, complaints suppress; nothing when off")
    func whatSuppresses() async throws {
        var settings = SuppressionSettings()
        settings.suppressComplaints = false
        try await withSuppression(settings) { suppression in
            suppression.suppress(recipient: "q@x.test", reason: "quota-issues", source: "b", sender: nil, jobID: nil, time: time)
            suppression.suppress(recipient: "c@x.test", reason: "complaint:abuse", source: "f", sender: nil, jobID: nil, time: time)
            suppression.suppress(recipient: "m@x.test", reason: "bad-mailbox", source: "b", sender: nil, jobID: nil, time: time)
            suppression.suppress(recipient: "not an address", reason: "bad-mailbox", source: "b", sender: nil, jobID: nil, time: time)
            #expect(suppression.check(recipient: "q@x.test", sender: "s@x.test", jobID: nil) == nil)
            #expect(suppression.check(recipient: "c@x.test", sender: "s@x.test", jobID: nil) == nil)
            #expect(suppression.check(recipient: "m@x.test", sender: "s@x.test", jobID: nil)?.reason == "bad-mailbox")
        }
        settings = SuppressionSettings()
        try await withSuppression(settings) { suppression in
            suppression.suppress(recipient: "c@x.test", reason: "complaint:abuse", source: "f", sender: nil, jobID: nil, time: time)
            #expect(suppression.check(recipient: "c@x.test", sender: "s@x.test", jobID: nil)?.reason == "complaint:abuse")
            var off = settings
            off.enabled = false
            try suppression.reload(off)
            #expect(suppression.check(recipient: "c@x.test", sender: "s@x.test", jobID: nil) == nil)
            suppression.suppress(recipient: "d@x.test", reason: "bad-mailbox", source: "b", sender: nil, jobID: nil, time: time)
            try suppression.reload(settings)
            #expect(suppression.check(recipient: "d@x.test", sender: "s@x.test", jobID: nil) == nil)
        }
    }

    @Test("a database that cannot be opened stops the start with a line naming it")
    func unopenable() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [])
            + "<suppression>\n    database \(dir)/missing/list.sqlite\n</suppression>\n"
        await #expect {
            _ = try await MailNode.start(configuration: try loadConfiguration(text), options: testOptions(directory: dir))
        } throws: { error in
            "\(error)".hasPrefix("cannot start suppression list \(dir)/missing/list.sqlite: ")
        }
    }
}
