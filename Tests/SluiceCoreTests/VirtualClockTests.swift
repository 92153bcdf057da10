import Foundation
import SluiceConfig
import SluiceCore
import Testing

/// ``VirtualClock``: the tests' time source; sleepers wake when the test moves it.
@Suite("Virtual clock")
struct VirtualClockTests {
    @Test("a sleeper wakes only once the clock reaches its deadline")
    func sleeperWakesAtItsDeadline() async throws {
        let clock = VirtualClock(Instant(milliseconds: 5_000))
        let woke = Task { () -> Instant in
            try await clock.sleep(for: .seconds(30))
            return clock.now()
        }
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == Instant(milliseconds: 35_000))
        clock.advance(by: .seconds(29))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        #expect(try await woke.value == Instant(milliseconds: 35_000))
        #expect(clock.sleeperCount == 0)
    }

    @Test("a deadline already passed returns at once; advance(to:) never moves the clock back")
    func pastDeadline() async throws {
        let clock = VirtualClock(Instant(milliseconds: 10_000))
        try await clock.sleep(until: Instant(milliseconds: 9_000))
        try await clock.sleep(for: TimeSpan(milliseconds: 0))
        clock.advance(to: Instant(milliseconds: 1_000))
        #expect(clock.now() == Instant(milliseconds: 10_000))
    }

    @Test("one advance wakes every sleeper due, and leaves the later ones asleep")
    func advanceWakesTheDueOnes() async throws {
        let clock = VirtualClock(.zero)
        let early = Task { try await clock.sleep(until: Instant(milliseconds: 100)) }
        let late = Task { try await clock.sleep(until: Instant(milliseconds: 200)) }
        let later = Task { try await clock.sleep(until: Instant(milliseconds: 5_000)) }
        await clock.waitForSleepers(3)
        clock.advance(to: Instant(milliseconds: 250))
        try await early.value
        try await late.value
        #expect(clock.sleeperCount == 1)
        later.cancel()
        await #expect(throws: CancellationError.self) { try await later.value }
    }

    @Test("cancelling a sleeper ends its sleep with CancellationError, before or after it began")
    func cancellation() async throws {
        let clock = VirtualClock()
        let sleeping = Task { try await clock.sleep(for: .hours(1)) }
        await clock.waitForSleepers(1)
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
        #expect(clock.sleeperCount == 0)

        let cancelledFirst = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .hours(1))
        }
        await #expect(throws: CancellationError.self) { try await cancelledFirst.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test("TimeSpan from a Duration keeps whole milliseconds")
    func durationConversion() {
        #expect(TimeSpan(Duration.milliseconds(1500)) == TimeSpan(milliseconds: 1500))
        #expect(TimeSpan(Duration.seconds(2)) == .seconds(2))
        #expect(TimeSpan(Duration.microseconds(2_999)) == TimeSpan(milliseconds: 2))
    }

    @Test("an instant converts to seconds and to a Date for formatting")
    func dateConversion() {
        let instant = Instant(milliseconds: 1_700_000_000_123)
        #expect(instant.secondsSince1970 == 1_700_000_000.123)
        #expect(instant.date.timeIntervalSince1970 == 1_700_000_000.123)
    }
}
