/// One domain's, queue's or virtual MTA's deliveries and complaints over the last 24 hours:
/// per-minute slots for the last hour, per-hour slots for the day, and running totals of
/// complaints and asynchronous bounces.
///
/// A delivered-only key costs two small rings; the complaint rings are allocated at the first
/// complaint. The 24-hour window is the current clock hour and the 23 before it, so it spans
/// between 23 and 24 hours; the 1-hour window is exact to the minute.
struct ComplaintWindows: Sendable {
    static let minuteMs: Int64 = 60_000
    static let hourMs: Int64 = 3_600_000
    static let minutesPerHour = 60
    static let hoursPerDay = 24

    private var deliveredMinutes = BucketRing(slots: minutesPerHour, slotMs: minuteMs)
    private var deliveredHours = BucketRing(slots: hoursPerDay, slotMs: hourMs)
    private var complaintMinutes: BucketRing?
    private var complaintHours: BucketRing?
    /// Complaints since the key was first seen.
    private(set) var complaintsTotal = 0
    /// Asynchronous bounces since the key was first seen.
    private(set) var asyncBouncesTotal = 0
    /// The time of the newest event, in milliseconds.
    private(set) var lastMs: Int64

    /// Windows first touched at `ms`.
    init(firstMs ms: Int64) { lastMs = ms }

    /// True when nothing in the windows is newer than 24 hours before `ms`: the key shows only
    /// zeros and can be forgotten.
    func isIdle(atMs ms: Int64) -> Bool { lastMs <= ms - Self.hourMs * Int64(Self.hoursPerDay) }

    mutating func delivered(atMs ms: Int64) {
        deliveredMinutes.add(atMs: ms)
        deliveredHours.add(atMs: ms)
        touch(ms)
    }

    mutating func complaint(atMs ms: Int64) {
        if complaintMinutes == nil {
            complaintMinutes = BucketRing(slots: Self.minutesPerHour, slotMs: Self.minuteMs)
            complaintHours = BucketRing(slots: Self.hoursPerDay, slotMs: Self.hourMs)
        }
        complaintMinutes?.add(atMs: ms)
        complaintHours?.add(atMs: ms)
        complaintsTotal += 1
        touch(ms)
    }

    mutating func asyncBounce(atMs ms: Int64) {
        asyncBouncesTotal += 1
        touch(ms)
    }

    /// The figures at `ms` against `thresholds`.
    func figures(atMs ms: Int64, thresholds: ComplaintThresholds) -> ComplaintFigures {
        let hour = ComplaintFigures.Window(
            delivered: deliveredMinutes.sum(lastSlots: Self.minutesPerHour, atMs: ms),
            complaints: complaintMinutes?.sum(lastSlots: Self.minutesPerHour, atMs: ms) ?? 0, thresholds: thresholds)
        let day = ComplaintFigures.Window(
            delivered: deliveredHours.sum(lastSlots: Self.hoursPerDay, atMs: ms),
            complaints: complaintHours?.sum(lastSlots: Self.hoursPerDay, atMs: ms) ?? 0, thresholds: thresholds)
        return ComplaintFigures(lastHour: hour, lastDay: day, complaints: complaintsTotal, asyncBounces: asyncBouncesTotal)
    }

    private mutating func touch(_ ms: Int64) { lastMs = max(lastMs, ms) }
}
