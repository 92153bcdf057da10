/// A retry list such as `10m,1h,4h`: the wait after the first, second, … deferral; the last step
/// repeats (PowerMTA semantics).
public struct RetrySchedule: Hashable, Sendable, CustomStringConvertible {
    /// The steps, never empty.
    public private(set) var steps: [TimeSpan]

    /// Creates a schedule; an empty list becomes the PowerMTA default of 10 minutes.
    public init(_ steps: [TimeSpan]) {
        self.steps = steps.isEmpty ? [.minutes(10)] : steps
    }

    /// The wait before the next attempt after `failedAttempts` failed attempts (1-based: the wait
    /// after the first failure is `steps[0]`).
    public func delay(afterFailedAttempts failedAttempts: Int) -> TimeSpan {
        steps[min(max(failedAttempts, 1), steps.count) - 1]
    }

    /// Parses `10m` or `10m,1h,4h` (spaces after commas allowed).
    public init(parsing text: String) throws(ValueError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: " \t") }
        var steps: [TimeSpan] = []
        for part in parts {
            guard let span = try? TimeSpan(parsing: part) else {
                throw ValueError(expected: "a retry list such as 10m or 10m,1h,4h", found: text)
            }
            steps.append(span)
        }
        self.init(steps)
    }

    /// `10m,1h,4h`.
    public var description: String { steps.map(\.description).joined(separator: ",") }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
