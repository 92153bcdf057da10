import SluiceConfig
import SluiceCore
import Testing

/// The warm-up state machine on its own: days judged by their figures, no engine, no clock.
@Suite("Warm-up progress")
struct WarmupProgressTests {
    static let thresholds = WarmupThresholds(maxDeferralRate: 0.1, maxBounceRate: 0.05, maxComplaintRate: 0.001)

    /// A day with `sent` messages, all delivered except `deferred` and `bounced`.
    static func day(sent: Int = 100, deferred: Int = 0, bounced: Int = 0, complaints: Int = 0) -> WarmupDayCounts {
        var counts = WarmupDayCounts()
        counts.sent = sent
        counts.delivered = sent - deferred - bounced
        counts.deferred = deferred
        counts.bounced = bounced
        counts.complaints = complaints
        return counts
    }

    /// Ends day `index` with `counts`.
    static func end(_ p: inout WarmupProgress, _ counts: WarmupDayCounts) {
        p.today = counts
        p.advance(to: p.day + 1, thresholds: thresholds, stepCount: 5)
    }

    @Test("a good sending day advances one step; a day without mail changes nothing")
    func goodAndIdleDays() {
        var p = WarmupProgress(vmta: "v", schedule: "s", day: 100)
        Self.end(&p, Self.day())
        #expect(p.step == 2 && p.held == nil && p.day == 101 && p.today == WarmupDayCounts())
        Self.end(&p, WarmupDayCounts())
        #expect(p.step == 2 && p.day == 102)
        // Several days at once (the node was down): only the last day with figures is judged.
        p.today = Self.day()
        p.advance(to: 110, thresholds: Self.thresholds, stepCount: 5)
        #expect(p.step == 3 && p.day == 110)
    }

    @Test("a threshold crossed holds the step; twice in a row steps back one; a good day resets the count")
    func badDays() {
        var p = WarmupProgress(vmta: "v", schedule: "s", day: 0)
        for _ in 0..<3 { Self.end(&p, Self.day()) }
        #expect(p.step == 4)
        Self.end(&p, Self.day(deferred: 20))
        #expect(p.step == 4 && p.held == "deferral rate 20% > 10%" && p.badDays == 1)
        Self.end(&p, Self.day())
        #expect(p.step == 5 && p.held == nil && p.badDays == 0)
        Self.end(&p, Self.day(bounced: 6))
        #expect(p.step == 5 && p.held == "bounce rate 6% > 5%")
        Self.end(&p, Self.day(complaints: 1))
        #expect(p.step == 4 && p.held == "stepped back: complaint rate 1% > 0.1%" && p.badDays == 0)
        // An idle day between two bad ones does not break the streak: only sending days count.
        Self.end(&p, Self.day(deferred: 50))
        Self.end(&p, WarmupDayCounts())
        Self.end(&p, Self.day(deferred: 50))
        #expect(p.step == 3)
    }

    @Test("listed on a blocklist: the step holds and the days count as bad")
    func listed() {
        var p = WarmupProgress(vmta: "v", schedule: "s", day: 0)
        p.listed = true
        #expect(p.holdReason == "listed on a blocklist")
        Self.end(&p, Self.day())
        #expect(p.step == 1 && p.held == "listed on a blocklist")
        p.listed = false
        Self.end(&p, Self.day())
        #expect(p.step == 2 && p.holdReason == nil)
    }

    @Test("after the last step the warm-up is complete and stays so")
    func completes() {
        var p = WarmupProgress(vmta: "v", schedule: "s", day: 0)
        for _ in 0..<8 { Self.end(&p, Self.day()) }
        #expect(p.step == 6 && p.isComplete(stepCount: 5))
    }

    @Test("a day never ends twice, nor backwards")
    func sameDay() {
        var p = WarmupProgress(vmta: "v", schedule: "s", day: 10)
        p.today = Self.day()
        let sameDay = p.advance(to: 10, thresholds: Self.thresholds, stepCount: 5)
        let dayBefore = p.advance(to: 9, thresholds: Self.thresholds, stepCount: 5)
        #expect(!sameDay && !dayBefore)
        #expect(p.step == 1 && p.today.sent == 100)
    }
}
