/// An instant broken down into its UTC calendar date and time of day, without Foundation's
/// calendars: the same instant always prints the same way, whatever the machine's time zone.
/// The one UTC calendar of the package: accounting times, rotation stamps, RFC 5322 dates.
public struct CivilTime: Hashable, Sendable {
    /// The year (proleptic Gregorian; may be before 1 or after 9999).
    public var year: Int64
    /// 1 … 12.
    public var month: Int
    /// 1 … 31.
    public var day: Int
    /// 0 … 23.
    public var hour: Int
    /// 0 … 59.
    public var minute: Int
    /// 0 … 59.
    public var second: Int
    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int

    /// The UTC date and time of `instant` (milliseconds are dropped, rounding toward the past).
    public init(_ instant: Instant) {
        let seconds = instant.milliseconds.floorDivided(by: 1000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
        weekday = Int((days + 4).floorModulo(7))  // 1970-01-01 was a Thursday.
        // Howard Hinnant's days_from_civil inverse (http://howardhinnant.github.io/date_algorithms.html).
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The instant at the start of this minute, for a calendar date and time of day in UTC.
    public static func instant(year: Int64, month: Int, day: Int, hour: Int, minute: Int) -> Instant {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let m = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * m + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Instant(milliseconds: ((days * 24 + Int64(hour)) * 60 + Int64(minute)) * 60_000)
    }

    /// PowerMTA's accounting time: `2026-11-23 15:04:05+0000`.
    public var accountingText: String {
        "\(yearText)-\(pad(month))-\(pad(day)) \(pad(hour)):\(pad(minute)):\(pad(second))+0000"
    }

    /// ISO 8601 in UTC (`iso-times yes`): `2026-11-23T15:04:05Z`.
    public var isoText: String {
        "\(yearText)-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))Z"
    }

    /// An RFC 5322 date: `Mon, 23 Nov 2026 15:04:05 +0000`.
    public var rfc5322Text: String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[weekday]), \(day) \(months[month - 1]) \(yearText) \(pad(hour)):\(pad(minute)):\(pad(second)) +0000"
    }

    /// `2026-11-23-1504`, the stamp in rotated accounting file names.
    public var fileStamp: String { "\(yearText)-\(pad(month))-\(pad(day))-\(pad(hour))\(pad(minute))" }

    private var yearText: String {
        let digits = String(abs(year))
        return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Int64 {
    /// The quotient rounded toward negative infinity.
    package func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }

    /// The remainder of ``floorDivided(by:)``, never negative for a positive divisor.
    package func floorModulo(_ divisor: Int64) -> Int64 { self - floorDivided(by: divisor) * divisor }
}
