/// A warming vmta's place in its warm-up schedule (JSON `warmup` on a vmta row; `sluice show
/// warmup`, the console's VMTAs view).
public struct WarmupFigures: Codable, Hashable, Sendable {
    /// The `<warmup-schedule>`'s name.
    public var schedule: String
    /// The step in force (the warm-up day), from 1; above ``days`` once complete.
    public var day: Int
    /// The schedule's steps.
    public var days: Int
    /// Messages the vmta sent today (UTC).
    public var sentToday: Int
    /// Today's vmta-wide cap; nil for none.
    public var capToday: Int?
    /// The step's message rate per queue (`5/s`, `unlimited`).
    public var rate: String
    /// Why the step holds (`deferral rate 14% > 10%`, `listed on a blocklist`); nil when moving on.
    public var held: String?

    /// Creates figures.
    public init(schedule: String, day: Int, days: Int, sentToday: Int, capToday: Int?, rate: String, held: String?) {
        self.schedule = schedule
        self.day = day
        self.days = days
        self.sentToday = sentToday
        self.capToday = capToday
        self.rate = rate
        self.held = held
    }

    /// True once every step is done.
    public var isComplete: Bool { day > days }

    /// `day 3 of 20`, or `complete`.
    public var progress: String { isComplete ? "complete" : "day \(day) of \(days)" }

    /// The one-cell summary: `day 3/20, 120/500`, with `held: why` when it holds; `complete`.
    public var summary: String {
        guard !isComplete else { return "complete" }
        var text = "day \(day)/\(days), " + (capToday.map { "\(sentToday)/\($0)" } ?? "\(sentToday)")
        if let held { text += ", held: \(held)" }
        return text
    }

    enum CodingKeys: String, CodingKey {
        case schedule, day, days, rate, held
        case sentToday = "sent_today"
        case capToday = "cap_today"
    }
}
