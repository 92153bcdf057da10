import SluiceConfig
import SluiceControlProtocol
@testable import SluiceDemo
import SluiceSandbox
import SluiceSandboxServer
import Testing

@Suite struct DemoTallyTests {
    private func event(_ kind: String, _ queue: String, _ diag: String, category: String = "") -> EventRecord {
        EventRecord(time: 0, kind: kind, queue: queue, recipient: "a@b", code: Int(diag.prefix(3)) ?? 0, dsnDiag: diag, category: category)
    }

    private func queue(_ name: String, mode: String, lastError: String = "") -> QueueRow {
        let slash = name.firstIndex(of: "/") ?? name.endIndex
        let figures = QueueFigures(queued: 0, delivered: 0, deferred: 0, bounced: 0, connections: 0, deliveredPerMin: 0, deferredPerMin: 0,
                                   bouncedPerMin: 0, rateLimit: "", mode: mode, held: false, paused: false, why: "", lastError: lastError)
        return QueueRow(domain: String(name[..<slash]), vmta: String(name[slash...].dropFirst()), figures: figures)
    }

    @Test func replyKeysGroupAProvidersRepliesWhateverIPTheyName() {
        #expect(DemoTally.replyKey("421 4.7.0 [127.0.0.10] Our system has detected an unusual rate") == "421 4.7.0")
        #expect(DemoTally.replyKey("421 4.7.0 [TSS04] Messages from 127.0.0.11 temporarily deferred") == "421 4.7.0 [TSS04]")
        #expect(DemoTally.replyKey("451 4.7.650 The mail server [127.0.0.12] has been temporarily rate limited") == "451 4.7.650")
        #expect(DemoTally.replyKey("550 5.1.1 <a@b>: Recipient address rejected") == "550 5.1.1")
        #expect(DemoTally.replyKey("421 Service not available") == "421")
        #expect(DemoTally.replyKey("no answer from host: connect refused by peer") == "no answer from host:")
    }

    @Test func eventsCountPerDomainAndBouncesPerCategory() {
        var tally = DemoTally()
        tally.record(event("delivered", "gmail.com/vmta1", "250 2.0.0 OK"))
        tally.record(event("deferred", "gmail.com/vmta2", "421 4.7.0 [127.0.0.11] Our system", category: "other"))
        tally.record(event("deferred", "gmail.com/vmta3", "421 4.7.0 [127.0.0.12] Our system", category: "other"))
        tally.record(event("bounced", "gmail.com/vmta1", "550 5.1.1 The email account does not exist", category: "bad-mailbox"))
        tally.record(event("expired", "yahoo.com/vmta1", "421 4.7.0 [TSS04] Messages", category: ""))
        tally.setInjected(["gmail.com": 4, "outlook.com": 2])
        let gmail = tally.domains["gmail.com"]
        #expect(gmail?.injected == 4)
        #expect(gmail?.delivered == 1)
        #expect(gmail?.deferred == 2)
        #expect(gmail?.deferralsByReply == ["421 4.7.0": 2])
        #expect(gmail?.bouncedByCategory == ["bad-mailbox": 1])
        #expect(tally.domains["yahoo.com"]?.bouncedByCategory == ["message-expired": 1])
        #expect(tally.domains["outlook.com"]?.injected == 2)
    }

    @Test func aQueueEnteringBackoffStartsOneEpisodeUntilItReturns() {
        var tally = DemoTally()
        tally.observe([queue("gmail.com/vmta1", mode: "normal"),
                       queue("yahoo.com/vmta1", mode: "backoff", lastError: "421 4.7.0 [TSS04] Messages from 127.0.0.10 deferred")])
        tally.observe([queue("gmail.com/vmta1", mode: "backoff"), queue("yahoo.com/vmta1", mode: "backoff")])
        tally.observe([queue("gmail.com/vmta1", mode: "backoff"), queue("gmail.com/vmta2", mode: "backoff")])
        #expect(tally.queuesInBackoff == ["gmail.com/vmta1", "gmail.com/vmta2", "yahoo.com/vmta1"])
        tally.observe([queue("gmail.com/vmta1", mode: "normal")])
        tally.observe([queue("gmail.com/vmta1", mode: "backoff")])
        #expect(tally.domains["gmail.com"]?.backoffEpisodes == 3)
        #expect(tally.domains["yahoo.com"]?.backoffEpisodes == 1)
        #expect(tally.domains["yahoo.com"]?.errorsSeen == ["421 4.7.0 [TSS04]"])
        #expect(tally.domains["gmail.com"]?.errorsSeen == [])
    }

    @Test func liveLineShowsRatesSinceTheLastSample() {
        let first = DemoSample(elapsed: .seconds(1), injected: 200, delivered: 150, deferred: 10, bounced: 2, queued: 40, backoff: [])
        let second = DemoSample(elapsed: .seconds(3), injected: 600, delivered: 500, deferred: 50, bounced: 6, queued: 80,
                                backoff: ["gmail.com/vmta1", "gmail.com/vmta3"])
        #expect(first.line(since: nil) == "   1s  in 200/s  delivered 150/s  deferred 10/s  bounced 2/s  queued 40  backoff: none")
        #expect(second.line(since: first)
                == "   3s  in 200/s  delivered 175/s  deferred 20/s  bounced 2/s  queued 80  backoff: gmail.com/vmta1, gmail.com/vmta3")
        var listed = second
        listed.paused = ["vmta3 (listed on dnsbl.sandbox.test)"]
        #expect(listed.line(since: first).hasSuffix("backoff: gmail.com/vmta1, gmail.com/vmta3  paused: vmta3 (listed on dnsbl.sandbox.test)"))
    }

    @Test func summaryListsEveryDomainWithTotalsAndBreakdowns() {
        var tally = DemoTally()
        tally.record(event("deferred", "gmail.com/vmta1", "421 4.7.0 [127.0.0.10] Our system"))
        tally.record(event("bounced", "gmail.com/vmta1", "550 5.1.1 does not exist", category: "bad-mailbox"))
        tally.record(event("delivered", "yahoo.com/vmta2", "250 ok"))
        tally.observe([queue("gmail.com/vmta1", mode: "backoff")])
        tally.setInjected(["gmail.com": 10, "yahoo.com": 5])
        var yahoo = SandboxStats()
        yahoo.connections = 3
        let summary = DemoSummary(duration: .seconds(30), rate: 200, tally: tally, traffic: GeneratorStats(), receivers: ["yahoo": yahoo],
                                  refusedDestinations: 0)
        let lines = summary.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("domain     injected  delivered  deferred  bounced  backoff episodes"))
        #expect(lines.contains("gmail.com        10          0         1        1                 1"))
        #expect(lines.contains("yahoo.com         5          1         0        0                 0"))
        #expect(lines.contains("total            15          1         1        1                 1"))
        #expect(lines.contains("gmail.com: deferred 421 4.7.0 ×1; bounced bad-mailbox ×1"))
        #expect(lines.contains("sandbox yahoo: connections=3 accepted=0 deferred=0 rejected=0"))
        #expect(lines.last == "deliveries refused by the loopback guard: 0")
    }
}
