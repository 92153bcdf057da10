import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Instant")
struct InstantTests {
    @Test("time of day in UTC for operator text")
    func timeOfDay() {
        #expect(Instant(milliseconds: 0).timeOfDayUTC == "00:00:00Z")
        // 2026-11-23T16:49:49.486Z
        #expect(Instant(milliseconds: 1_795_452_589_486).timeOfDayUTC == "16:49:49Z")
        #expect(Instant(milliseconds: -1_000).timeOfDayUTC == "23:59:59Z")
    }

    @Test("why-not-faster reasons name a time of day, not epoch seconds")
    func constraintText() {
        let since = Instant(milliseconds: 1_795_452_589_486)
        #expect(Constraint.backoff(since: since).description == "backoff since 16:49:49Z")
        #expect(Constraint.retryWait(until: since + .seconds(11)).description == "retry-wait until 16:50:00Z")
    }
}
