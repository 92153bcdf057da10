/// The effective settings of one queue as `sluice show settings` prints them: a table for people
/// and the stable JSON for scripts.
public struct SettingsReport: Hashable, Sendable {
    /// The queue name: `DOMAIN` or `DOMAIN/VMTA`.
    public var queue: String
    /// Every directive in catalog order: name, value as text, origin.
    public var rows: [Row]

    /// One directive.
    public struct Row: Hashable, Sendable {
        /// The directive's name.
        public var name: String
        /// Its value as text (`40/s`, `10m,1h`, `unlimited`).
        public var value: String
        /// `default`, `FILE:LINE`, or a live override's label.
        public var origin: String

        /// Creates a row.
        public init(name: String, value: String, origin: String) {
            self.name = name
            self.value = value
            self.origin = origin
        }
    }

    /// A report of `settings` for `queue`.
    public init(queue: String, settings: DomainSettings) {
        self.queue = queue
        rows = settings.entries.map { Row(name: $0.name, value: $0.value, origin: $0.origin.description) }
    }

    /// Aligned columns DIRECTIVE, VALUE, ORIGIN under a `queue NAME` line, newline-terminated.
    public func table() -> String {
        let header = Row(name: "DIRECTIVE", value: "VALUE", origin: "ORIGIN")
        let all = [header] + rows
        let nameWidth = all.map(\.name.count).max() ?? 0
        let valueWidth = all.map(\.value.count).max() ?? 0
        var out = "queue \(queue)\n"
        for row in all {
            out += pad(row.name, nameWidth) + "  " + pad(row.value, valueWidth) + "  " + row.origin
            out += "\n"
        }
        return out
    }

    /// `{"queue":"gmail.com/vmta1","settings":{"max-msg-rate":{"value":"40/s","origin":"file.conf:37"},…}}`,
    /// keys in catalog order, no whitespace.
    public func json() -> String {
        let settings = rows.map { row in
            "\(jsonString(row.name)):{\"value\":\(jsonString(row.value)),\"origin\":\(jsonString(row.origin))}"
        }
        return "{\"queue\":\(jsonString(queue)),\"settings\":{\(settings.joined(separator: ","))}}"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

/// `text` as a JSON string literal (RFC 8259 escapes).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
