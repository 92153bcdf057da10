import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Reply patterns: clustering, bounds and dry runs")
struct ReplyPatternStatsTests {
    static let t0 = Instant(milliseconds: 1_795_000_000_000)
    static let yahoo1 = QueueKey(domain: "yahoo.com", vmta: "vmta1")
    static let yahoo2 = QueueKey(domain: "yahoo.com", vmta: "vmta2")
    static let gmail1 = QueueKey(domain: "gmail.com", vmta: "vmta1")

    static func tss04(_ ip: String) -> String {
        "421 4.7.0 [TSS04] Messages from \(ip) temporarily deferred due to unexpected volume or user complaints"
    }

    @Test("Counts, per-minute series, first/last seen, domains and vmtas with their share")
    func summaries() {
        var stats = ReplyPatternStats()
        for i in 0..<30 {
            stats.record(Self.tss04("203.0.113.\(i)"), outcome: .deferred, queue: i % 3 == 0 ? Self.yahoo2 : Self.yahoo1,
                         at: Self.t0 + TimeSpan.seconds(Int64(i * 10)))
        }
        stats.record("451 4.3.2 try later", outcome: .deferred, queue: Self.yahoo1, at: Self.t0 + TimeSpan.seconds(5))
        stats.record("550 5.1.1 <a@gmail.com> no such user", outcome: .bounced, queue: Self.gmail1, at: Self.t0 + TimeSpan.seconds(6))
        let now = Self.t0 + TimeSpan.seconds(300)
        let rows = stats.summaries(at: now, limit: 10)
        #expect(rows.count == 3)
        let top = rows[0]
        #expect(top.template == "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints")
        #expect(top.count == 30 && top.deferredLastHour == 30 && top.bouncedLastHour == 0 && top.total == 30)
        #expect(top.firstSeen == Self.t0)
        #expect(top.lastSeen == Self.t0 + TimeSpan.seconds(290))
        #expect(top.perMinute.count == 60)
        // t0 is 40 s into its minute: 2 replies in that minute, 6 a minute after, 4 in the last.
        #expect(top.perMinute.suffix(6) == [2, 6, 6, 6, 6, 4])
        #expect(top.domains == [ReplyPatternShare(name: "yahoo.com", count: 30, share: 30.0 / 31.0)])
        #expect(top.vmtas.map(\.name) == ["vmta1", "vmta2"])
        #expect(top.vmtas.map(\.count) == [20, 10])
        #expect(top.vmtas[1].share == 1.0, "vmta2 had no other deferral")
        #expect(rows.contains { $0.bouncedLastHour == 1 && $0.domains.first?.name == "gmail.com" })
        // An hour later nothing is left in the window.
        #expect(stats.summaries(at: now + TimeSpan.seconds(3_600), limit: 10).isEmpty)
    }

    /// `n` spelt in letters (templates keep words, so distinct words make distinct templates).
    static func letters(_ n: Int) -> String {
        var n = n, out = ""
        repeat { out.append(Character(UnicodeScalar(UInt8(97 + n % 26)))); n /= 26 } while n > 0
        return out
    }

    @Test("Memory stays bounded: templates, names per template and raw replies")
    func bounds() {
        var stats = ReplyPatternStats(capacity: 50, namesPerTemplate: 4, replyCapacity: 100)
        for i in 0..<1_000 {
            stats.record("550 5.7.1 rule \(Self.letters(i % 400)) blocked", outcome: .bounced, queue: Self.gmail1,
                         at: Self.t0 + TimeSpan(milliseconds: Int64(i)))
        }
        #expect(stats.templateCount <= 50)
        #expect(stats.templateCount >= 45, "a tenth at a time is dropped")
        for j in 0..<200 {
            let queue = QueueKey(domain: "d\(j % 37).example", vmta: "vmta\(j % 11)")
            stats.record("421 4.7.0 try later", outcome: .deferred, queue: queue, at: Self.t0 + TimeSpan(milliseconds: Int64(1_000 + j)))
        }
        let rows = stats.summaries(at: Self.t0 + TimeSpan.seconds(2), limit: 1_000)
        let busy = rows.first { $0.template == "421 4.7.0 try later" }
        #expect(busy?.count == 200)
        #expect(rows.allSatisfy { $0.domains.count <= 4 && $0.vmtas.count <= 4 })
        let kept = stats.recordedReplies(since: .zero)
        #expect(kept.count == 100)
        #expect(kept.first?.time == Self.t0 + TimeSpan(milliseconds: 1_100), "the newest 100, oldest first")
        #expect(kept.last?.time == Self.t0 + TimeSpan(milliseconds: 1_199))
    }

    @Test("A dry run's count equals what the rule then matches on the replayed replies")
    func dryRunMatchesReplay() throws {
        var stats = ReplyPatternStats()
        let replies: [(String, QueueKey)] = (0..<40).map { i in
            switch i % 4 {
            case 0: (Self.tss04("203.0.113.\(i)"), Self.yahoo1)
            case 1: (Self.tss04("198.51.100.\(i)"), Self.yahoo2)
            case 2: ("421 4.7.0 [TSS09] All messages from 192.0.2.\(i) will be permanently deferred", Self.yahoo1)
            default: ("421-4.7.28 [203.0.113.\(i)] unusual rate of unsolicited mail. x\(i)y\(i)z\(i)abcdef - gsmtp", Self.gmail1)
            }
        }
        for (i, (reply, queue)) in replies.enumerated() {
            stats.record(reply, outcome: .deferred, queue: queue, at: Self.t0 + TimeSpan.seconds(Int64(i)))
        }
        let now = Self.t0 + TimeSpan.seconds(60)
        let template = try #require(stats.summaries(at: now, limit: 10).first { $0.template.contains("TSS04") }).template
        let regex = try PatternRegex(TemplatePattern.pattern(for: template))
        let existing = SMTPPatternList(name: "yahoo", rules: [
            SMTPPatternRule(regex: try PatternRegex(#"^421 4\.7\.0"#), actions: [.mode(.backoff)],
                            location: SourceLocation(file: "yahoo.conf", line: 7, column: 5)),
        ])
        let recorded = stats.recordedReplies(since: now - TimeSpan.seconds(3_600))
        let dry = ReplyRuleDraft.dryRun(regex, over: recorded) { $0.domain == "yahoo.com" ? existing : nil }
        #expect(dry.matched == 20)
        #expect(dry.examined == 40)
        #expect(dry.queues.map(\.name) == ["yahoo.com/vmta1", "yahoo.com/vmta2"])
        #expect(dry.alreadyMatchedBy == [ReplyRuleDraft.ExistingRule(list: "yahoo", rule: #"/^421 4\.7\.0/"#, location: "yahoo.conf:7", count: 20)])

        // Applied, the rule goes first in the list; replaying the recorded replies, it is the
        // first match of exactly the replies the dry run counted.
        var applied = existing
        applied.rules.insert(SMTPPatternRule(regex: regex, actions: [.mode(.backoff)]), at: 0)
        let replayed = replies.filter { applied.firstMatch($0.0)?.regex == regex }.count
        #expect(replayed == dry.matched)
        // The Gmail template's pattern matches its own replies and not the others.
        let gmail = try #require(stats.summaries(at: now, limit: 10).first { $0.template.contains("gsmtp") }).template
        let gmailRegex = try PatternRegex(TemplatePattern.pattern(for: gmail))
        #expect(replies.filter { gmailRegex.matches($0.0) }.count == 10)
    }
}
