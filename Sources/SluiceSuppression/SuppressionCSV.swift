import SluiceBase

/// The suppression list's CSV form: a header row `address,scope,reason,source,time`, then one
/// entry per record, quoted as RFC 4180 says (a field with a comma, a double quote or a line
/// break is in double quotes, its quotes doubled). `time` is ISO 8601 in UTC,
/// `2026-12-05T10:11:12Z`.
///
/// On import the header may name the columns in any order; only `address` is required. Without
/// a header the columns are in the order above. A missing scope is `global`, a missing reason
/// `import`, a missing source `import FILE:LINE`, a missing time the time of the import.
public enum SuppressionCSV {
    /// The columns, in export order.
    public static let columns = ["address", "scope", "reason", "source", "time"]

    /// The header line (without its line break).
    public static var header: String { columns.joined(separator: ",") }

    /// `entry` as one CSV line (without its line break).
    public static func line(_ entry: SuppressionEntry) -> String {
        [entry.address, entry.scope.description, entry.reason, entry.source, CivilTime(entry.time).isoText]
            .map(quoted).joined(separator: ",")
    }

    /// `field` as RFC 4180 writes it: in double quotes, inner quotes doubled, when it holds a
    /// comma, a double quote, a CR or an LF; as it is otherwise.
    public static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return field
        }
        var quoted = "\""
        for character in field {
            quoted += character == "\"" ? "\"\"" : String(character)
        }
        return quoted + "\""
    }

    /// Parses `2026-12-05T10:11:12Z` (whole seconds, UTC); nil for anything else.
    public static func instant(iso text: String) -> Instant? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        let start = CivilTime.instant(year: Int64(year), month: month, day: day, hour: hour, minute: minute)
        let instant = Instant(milliseconds: start.milliseconds + Int64(second) * 1000)
        // 31 February and the like come back as another day: refused rather than moved.
        let check = CivilTime(instant)
        guard check.month == month, check.day == day else { return nil }
        return instant
    }
}

/// What an import did.
public struct SuppressionImportReport: Hashable, Sendable {
    /// One record that was not imported.
    public struct BadLine: Hashable, Sendable, CustomStringConvertible {
        /// The line the record starts on (from 1).
        public var line: Int
        /// What is wrong with it.
        public var reason: String

        /// `line 12: …`.
        public var description: String { "line \(line): \(reason)" }
    }

    /// Entries written (new, or replacing one for the same address and scope).
    public var imported = 0
    /// Records skipped, in file order.
    public var badLines: [BadLine] = []
}
