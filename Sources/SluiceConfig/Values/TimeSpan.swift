/// A configuration duration such as `30s`, `10m`, `2h` or `4d12h`, with millisecond precision.
///
/// A bare number is seconds (PowerMTA accepts `idle-timeout 120`).
public struct TimeSpan: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a span from milliseconds.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates a span from whole seconds.
    public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(milliseconds: s * 1000) }
    /// Creates a span from whole minutes.
    public static func minutes(_ m: Int64) -> TimeSpan { .seconds(m * 60) }
    /// Creates a span from whole hours.
    public static func hours(_ h: Int64) -> TimeSpan { .seconds(h * 3600) }
    /// Creates a span from whole days.
    public static func days(_ d: Int64) -> TimeSpan { .seconds(d * 86_400) }

    /// The length in seconds as a floating-point number.
    public var seconds: Double { Double(milliseconds) / 1000 }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.milliseconds < b.milliseconds }

    /// The shortest canonical form: `4d12h`, `10m`, `90s`, `250ms`, `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        var rest = milliseconds / 1000
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// Parses `30s`, `10m`, `2h`, `4d12h`, `1h30m`, `250ms` or a bare number of seconds.
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a duration such as 30s, 10m, 2h or 4d12h", found: text)
        let chars = Array(text.lowercased())
        guard !chars.isEmpty else { throw error }
        if chars.allSatisfy(\.isASCIIDigit) {
            guard let s = Int64(String(chars)), s <= Int64.max / 1000 else { throw error }
            self.init(milliseconds: s * 1000)
            return
        }
        var total: Int64 = 0
        var i = 0
        while i < chars.count {
            var digits = ""
            while i < chars.count, chars[i].isASCIIDigit { digits.append(chars[i]); i += 1 }
            var unit = ""
            while i < chars.count, chars[i].isLetter { unit.append(chars[i]); i += 1 }
            guard !digits.isEmpty, let n = Int64(digits), let ms = TimeSpan.unitMilliseconds[unit] else { throw error }
            let (product, overflow) = n.multipliedReportingOverflow(by: ms)
            guard !overflow else { throw error }
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow2 else { throw error }
            total = sum
        }
        self.init(milliseconds: total)
    }

    private static let unitMilliseconds: [String: Int64] = [
        "ms": 1,
        "s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000,
        "m": 60_000, "min": 60_000, "mins": 60_000, "minute": 60_000, "minutes": 60_000,
        "h": 3_600_000, "hr": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
        "d": 86_400_000, "day": 86_400_000, "days": 86_400_000,
        "w": 604_800_000, "week": 604_800_000, "weeks": 604_800_000,
    ]
}

/// A duration that may also be `never` (e.g. `backoff-to-normal-after never`).
public enum Expiry: Hashable, Sendable, CustomStringConvertible {
    /// The event never happens on its own.
    case never
    /// It happens after this long.
    case after(TimeSpan)

    /// Parses `never` or a duration.
    public init(parsing text: String) throws(ValueError) {
        if text.lowercased() == "never" { self = .never; return }
        do { self = .after(try TimeSpan(parsing: text)) } catch {
            throw ValueError(expected: "a duration such as 30m or 4d12h, or never", found: text)
        }
    }

    /// `never` or the duration's canonical form.
    public var description: String {
        switch self {
        case .never: return "never"
        case .after(let span): return span.description
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
