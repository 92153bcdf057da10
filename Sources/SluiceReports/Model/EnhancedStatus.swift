/// An RFC 3463 enhanced status code, `class.subject.detail` (e.g. 5.1.1).
public struct EnhancedStatus: Sendable, Hashable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public var statusClass: Int
    /// The subject (0–999), e.g. 1 for addressing.
    public var subject: Int
    /// The detail (0–999).
    public var detail: Int

    /// Builds a code; `nil` unless the class is 2, 4 or 5 and subject and detail are 0–999.
    public init?(statusClass: Int, subject: Int, detail: Int) {
        guard [2, 4, 5].contains(statusClass), (0...999).contains(subject), (0...999).contains(detail) else { return nil }
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Reads a code at the start of a `Status` field value, ignoring a trailing comment:
    /// `5.0.0 (permanent failure)` → 5.0.0.
    public init?(field: String) {
        let token = field.drop(while: { $0 == " " || $0 == "\t" }).prefix(while: { !$0.isWhitespace && $0 != "(" })
        guard let found = EnhancedStatus.scan(Array(token.utf8), anchored: true) else { return nil }
        self = found
    }

    /// The first enhanced code in free text (an SMTP reply such as `550 5.1.1 <a@b.example>…
    /// User unknown`, or `(#5.5.0)`): three dot-separated numbers, class 2, 4 or 5, not part of
    /// a longer dotted number such as an IP address.
    public static func find(in text: String) -> EnhancedStatus? {
        scan(Array(text.utf8), anchored: false)
    }

    /// `2.0.0`, `5.1.1`, …
    public var description: String { "\(statusClass).\(subject).\(detail)" }

    private static func scan(_ bytes: [UInt8], anchored: Bool) -> EnhancedStatus? {
        var index = 0
        while index < bytes.count {
            if index > 0, anchored { return nil }
            let before = index > 0 ? bytes[index - 1] : UInt8(ascii: " ")
            if !isDigit(before), before != UInt8(ascii: "."), let code = code(in: bytes, at: index) {
                return code
            }
            index += 1
        }
        return nil
    }

    /// A code that starts exactly at `start` and is not followed by another digit or `.digit`.
    private static func code(in bytes: [UInt8], at start: Int) -> EnhancedStatus? {
        var numbers: [Int] = []
        var index = start
        while numbers.count < 3 {
            var value = 0
            var digits = 0
            while index < bytes.count, isDigit(bytes[index]), digits < 4 {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            guard digits > 0, digits <= 3 else { return nil }
            numbers.append(value)
            if numbers.count < 3 {
                guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        if index < bytes.count, isDigit(bytes[index]) { return nil }
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), isDigit(bytes[index + 1]) { return nil }
        return EnhancedStatus(statusClass: numbers[0], subject: numbers[1], detail: numbers[2])
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
