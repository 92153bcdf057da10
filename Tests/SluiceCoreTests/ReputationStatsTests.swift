import Testing
@testable import SluiceCore

@Suite("Reputation stats: complaint rates, windows, thresholds, eviction")
struct ReputationStatsTests {
    static let start: Int64 = 1_795_000_000_000 - 1_795_000_000_000 % 3_600_000  // on the hour
    static func at(minute: Int, second: Int = 1) -> Instant {
        Instant(milliseconds: start + Int64(minute) * 60_000 + Int64(second) * 1000)
    }

    static func complaint(_ domain: String = "gmail.com", vmta: String = "vmta1", _ who: String = "u@gmail.com",
                          type: String = "abuse") -> ReputationEvent {
        .complaint(domain: domain, vmta: vmta, recipient: who, feedbackType: type, detail: "arf \(type) from fbl@example.net")
    }

    @Test("thresholds: above 1 per 1,000 flags, above 3 alarms, exactly on a threshold does not; no level under the minimum")
    func thresholds() {
        let t = ComplaintThresholds()
        #expect(t.level(complaints: 1, delivered: 1_000) == .ok)
        #expect(t.level(complaints: 2, delivered: 1_999) == .flag)
        #expect(t.level(complaints: 3, delivered: 1_000) == .flag)
        #expect(t.level(complaints: 4, delivered: 1_000) == .alarm)
        #expect(t.level(complaints: 0, delivered: 50_000) == .ok)
        #expect(t.level(complaints: 5, delivered: 999) == .lowVolume)
        #expect(t.level(complaints: 0, delivered: 0) == .lowVolume)
        #expect(ComplaintThresholds.perThousand(complaints: 3, delivered: 0) == nil)
        #expect(ComplaintThresholds.perThousand(complaints: 3, delivered: 2_000) == 1.5)
        let small = ComplaintThresholds(minimumDelivered: 10)
        #expect(small.level(complaints: 1, delivered: 10) == .alarm)
    }

    /// 40 deliveries a minute (2,400 an hour) to gmail.com for 35 hours; 3 complaints at 10:00 and
    /// 6 at 10:10. The 1-hour rate flags, alarms, then slides back to ok an hour later; the 24-hour
    /// rate keeps them until the day has moved past hour 10.
    @Test("35 hours of traffic: the 1h window slides by the minute, the 24h window by the hour")
    func windowsSlide() {
        var stats = ReputationStats()
        var hour: [Int: ComplaintFigures] = [:]
        var checks: [Int: ComplaintFigures] = [:]
        var queueAt615: ComplaintFigures?
        var vmtaAt615: ComplaintFigures?
        for minute in 0..<(35 * 60) {
            for s in 0..<40 { stats.record(.delivered(domain: "gmail.com", vmta: "vmta1"), at: Self.at(minute: minute, second: s)) }
            if minute == 600 { for _ in 0..<3 { stats.record(Self.complaint(), at: Self.at(minute: minute, second: 50)) } }
            if minute == 610 { for _ in 0..<6 { stats.record(Self.complaint(), at: Self.at(minute: minute, second: 50)) } }
            if [600, 610, 659, 660, 670].contains(minute) { checks[minute] = stats.figures(domain: "gmail.com", at: Self.at(minute: minute, second: 59)) }
            if minute == 615 {
                queueAt615 = stats.figures(queue: QueueKey(domain: "gmail.com", vmta: "vmta1"), at: Self.at(minute: minute, second: 59))
                vmtaAt615 = stats.figures(vmta: "vmta1", at: Self.at(minute: minute, second: 59))
            }
            if minute % 60 == 59 { hour[minute / 60] = stats.figures(domain: "gmail.com", at: Self.at(minute: minute, second: 59)) }
        }
        let at600 = try! #require(checks[600])
        #expect(at600.lastHour.delivered == 2_400 && at600.lastHour.complaints == 3)
        #expect(at600.lastHour.perThousand == 1.25 && at600.lastHour.level == .flag)
        #expect(at600.lastDay.delivered == 10 * 2_400 + 40 && at600.lastDay.level == .ok)
        #expect(checks[610]?.lastHour.complaints == 9 && checks[610]?.lastHour.level == .alarm)
        #expect(checks[659]?.lastHour.complaints == 9)
        #expect(checks[660]?.lastHour.complaints == 6 && checks[660]?.lastHour.level == .flag)  // minute 600 left the hour
        #expect(checks[670]?.lastHour.complaints == 0 && checks[670]?.lastHour.level == .ok)
        // The day: hours 0…23 fill it; from hour 24 on it holds 24 hours of 2,400.
        #expect(hour[5]?.lastDay.delivered == 6 * 2_400)
        #expect(hour[30]?.lastDay.delivered == 24 * 2_400)
        #expect(hour[33]?.lastDay.complaints == 9)  // hours 10…33
        #expect(hour[34]?.lastDay.complaints == 0)  // hours 11…34
        #expect(hour[33]?.lastDay.perThousand == 9_000.0 / 57_600)
        #expect(hour[34]?.complaints == 9)  // the total stays
        #expect(queueAt615?.lastHour.complaints == 9 && queueAt615?.lastHour.delivered == 2_400)
        #expect(vmtaAt615?.lastHour.level == .alarm)
    }

    @Test("a complaint whose original was not found counts for its domain, not for a queue or vmta")
    func unattributedComplaint() {
        var stats = ReputationStats()
        let now = Self.at(minute: 0)
        for _ in 0..<50 { stats.record(.delivered(domain: "yahoo.com", vmta: "vmta2"), at: now) }
        stats.record(Self.complaint("yahoo.com", vmta: "", "x@yahoo.com"), at: now)
        let domain = try! #require(stats.figures(domain: "yahoo.com", at: now))
        #expect(domain.lastHour.complaints == 1 && domain.lastHour.perThousand == 20)
        #expect(domain.lastHour.level == .lowVolume)  // 50 deliveries say nothing
        #expect(stats.figures(queue: QueueKey(domain: "yahoo.com", vmta: "vmta2"), at: now)?.complaints == 0)
        #expect(stats.figures(vmta: "vmta2", at: now)?.complaints == 0)
        #expect(stats.figures(vmta: "", at: now) == nil)
        // Complaints about mail sent before the window: a rate needs deliveries.
        stats.record(Self.complaint("aol.com", vmta: "vmta1", "y@aol.com"), at: now)
        #expect(stats.figures(domain: "aol.com", at: now)?.lastHour.perThousand == nil)
        #expect(stats.figures(domain: "AOL.com", at: now)?.complaints == 1)
    }

    @Test("keys idle for 24 hours are forgotten; the key spaces never exceed their cap")
    func eviction() {
        var stats = ReputationStats(maxKeys: 100)
        for i in 0..<150 {
            stats.record(.delivered(domain: "d\(i).example", vmta: "v\(i % 3)"), at: Self.at(minute: 0, second: i % 60 + (i / 60) * 0))
            stats.record(.delivered(domain: "d\(i).example", vmta: "v\(i % 3)"), at: Instant(milliseconds: Self.at(minute: 0).milliseconds + Int64(i)))
        }
        #expect(stats.keyCounts.domains == 100 && stats.keyCounts.queues == 100 && stats.keyCounts.vmtas == 3)
        #expect(stats.figures(domain: "d149.example", at: Self.at(minute: 1)) != nil)
        #expect(stats.figures(domain: "d0.example", at: Self.at(minute: 1)) == nil)  // the least recently active went

        // One domain stays busy; a day later the others are gone on the next minute's event.
        for minute in stride(from: 1, through: 24 * 60 + 1, by: 30) {
            stats.record(.delivered(domain: "busy.example", vmta: "v0"), at: Self.at(minute: minute))
        }
        stats.record(.delivered(domain: "busy.example", vmta: "v0"), at: Self.at(minute: 24 * 60 + 2))
        #expect(stats.keyCounts.domains == 1 && stats.keyCounts.queues == 1 && stats.keyCounts.vmtas == 1)
        #expect(stats.figures(domain: "d149.example", at: Self.at(minute: 24 * 60 + 2)) == nil)
        let busy = try! #require(stats.figures(domain: "busy.example", at: Self.at(minute: 24 * 60 + 2)))
        #expect(busy.lastDay.delivered == 48)  // every 30 minutes over the current hour and the 23 before
        // With no events at all, prune bounds memory as well.
        stats.prune(at: Self.at(minute: 60 * 60))
        #expect(stats.keyCounts.domains == 0)
    }

    @Test("each domain keeps its 20 newest complaints and asynchronous bounces, oldest first, per vmta on request")
    func recentNotes() {
        var stats = ReputationStats()
        for i in 0..<25 {
            stats.record(Self.complaint(vmta: i % 2 == 0 ? "vmta1" : "vmta2", "u\(i)@gmail.com"), at: Self.at(minute: i))
        }
        stats.record(.asyncBounce(domain: "gmail.com", vmta: "vmta1", recipient: "gone@gmail.com", code: 550, category: "bad-mailbox",
                                  detail: "550 5.1.1 The email account that you tried to reach does not exist."), at: Self.at(minute: 30))
        let notes = stats.recent(domain: "gmail.com")
        #expect(notes.count == 20)
        #expect(notes.first?.recipient == "u6@gmail.com")
        #expect(notes.last?.kind == .asyncBounce && notes.last?.code == 550 && notes.last?.category == "bad-mailbox")
        #expect(stats.recent(domain: "gmail.com", vmta: "vmta2").allSatisfy { $0.vmta == "vmta2" })
        #expect(stats.recent(domain: "gmail.com", vmta: "vmta2").count == 9)
        #expect(stats.recent(domain: "yahoo.com").isEmpty)
        #expect(stats.figures(domain: "gmail.com", at: Self.at(minute: 30))?.asyncBounces == 1)
        #expect(stats.figures(vmta: "vmta1", at: Self.at(minute: 30))?.asyncBounces == 1)
    }

    @Test("node-wide: suppressed per last 60 seconds and per minute for an hour, DSNs per action, labels capped")
    func totals() {
        var stats = ReputationStats(maxLabels: 3)
        for s in 0..<30 { stats.record(.suppressed, at: Self.at(minute: 5, second: s)) }
        for s in 0..<10 { stats.record(.suppressed, at: Self.at(minute: 6, second: s)) }
        for action in ["failed", "failed", "delayed", "relayed", "expanded"] { stats.record(.dsnSent(action: action), at: Self.at(minute: 6)) }
        for type in ["abuse", "ABUSE ", "fraud", "virus", "not-spam"] {
            stats.record(Self.complaint("x.example", vmta: "", type: type), at: Self.at(minute: 6))
        }
        stats.record(.asyncBounce(domain: "x.example", vmta: "", recipient: "a@x.example", code: 0, category: "", detail: "?"),
                     at: Self.at(minute: 6))
        stats.record(.reportUnparsed, at: Self.at(minute: 6))

        let t = stats.totals(at: Self.at(minute: 6, second: 20))
        #expect(t.suppressed == 40)
        #expect(t.suppressedLastMinute == 9 + 10)  // 05:21…05:29 plus 06:00…06:09
        #expect(t.suppressedHistory.count == 60 && t.suppressedHistory.suffix(2) == [30, 10])
        #expect(t.dsnsSent == 5 && t.dsnsLastMinute == 5)
        #expect(t.dsnsByAction == ["failed": 2, "delayed": 1, "relayed": 1, "other": 1])
        #expect(t.complaints == 5 && t.complaintsByType == ["abuse": 2, "fraud": 1, "virus": 1, "other": 1])
        #expect(t.asyncBounces == 1 && t.asyncBouncesByCategory == ["other": 1])
        #expect(t.reportsUnparsed == 1)

        let later = stats.totals(at: Self.at(minute: 66, second: 30))
        #expect(later.suppressedLastMinute == 0 && later.dsnsLastMinute == 0)
        #expect(later.suppressedHistory.allSatisfy { $0 == 0 })
        #expect(later.suppressed == 40 && later.dsnsSent == 5)
    }
}
