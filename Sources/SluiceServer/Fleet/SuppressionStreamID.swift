/// The id of an entry of a Redis stream, `MILLISECONDS-SEQUENCE` (e.g. `1764930672000-0`),
/// ordered as Redis orders them.
struct SuppressionStreamID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The milliseconds part.
    var milliseconds: UInt64
    /// The sequence number within the millisecond.
    var sequence: UInt64

    /// `0-0`: before every entry.
    static let zero = SuppressionStreamID(milliseconds: 0, sequence: 0)

    init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Parses `MS-SEQ` (or `MS`, sequence 0); nil for anything else.
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let milliseconds = UInt64(parts[0]) else { return nil }
        let sequence = parts.count == 2 ? UInt64(parts[1]) : 0
        guard let sequence else { return nil }
        self.init(milliseconds: milliseconds, sequence: sequence)
    }

    var description: String { "\(milliseconds)-\(sequence)" }

    static func < (a: Self, b: Self) -> Bool { (a.milliseconds, a.sequence) < (b.milliseconds, b.sequence) }
}
