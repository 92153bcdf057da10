/// Reading addresses out of report fields and header values, and telling a real address from a
/// placeholder. Every address `ReportParser` returns has passed `isValid`.
public enum MailAddress {
    /// Whether `candidate` has the shape `local@domain`: a dot-atom or quoted local part of at
    /// most 64 bytes, and a domain of at least two labels (letters, digits, hyphens; non-ASCII
    /// allowed for internationalised names) or an address literal such as `[192.0.2.1]`.
    /// `redacted`, `[redacted]`, `xxxxxxxx`, `user@` and `undisclosed-recipients:;` are not, nor
    /// is an address whose local part is a placeholder reporters substitute for the real one
    /// (`redacted@…`, `xxxxxxxx@…`, `undisclosed-recipients@…`, `unknown@…`).
    public static func isValid(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { return false }
        return isValidLocalPart(bytes[..<at]) && !isPlaceholder(bytes[..<at]) && isValidDomain(bytes[(at + 1)...])
    }

    private static let placeholderLocalParts: Set<String> = ["redacted", "undisclosed-recipients", "undisclosed", "unknown"]

    private static func isPlaceholder(_ local: ArraySlice<UInt8>) -> Bool {
        if local.allSatisfy({ $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "*") }) { return true }
        return placeholderLocalParts.contains(String(decoding: local, as: UTF8.self).lowercased())
    }

    /// The one address in a field that should hold one mailbox: `Name <a@b.example>`,
    /// `<a@b.example>`, `a@b.example (comment)`, optionally after an RFC 3464 address type
    /// (`rfc822; a@b.example`). `nil` when the value holds no valid address or more than one.
    public static func single(in value: String) -> String? {
        let entries = list(in: stripAddressType(value))
        guard entries.count == 1, let only = entries.first else { return nil }
        return only
    }

    /// The entries of an address list (`To:`), each the valid address it names or `nil` when the
    /// entry is not an address; a group (`undisclosed-recipients:;`) contributes its members.
    public static func list(in value: String) -> [String?] {
        var result: [String?] = []
        for entry in splitTopLevel(value, separator: ",") {
            let trimmed = entry.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            if let colon = indexOutsideQuotes(trimmed, of: ":"), !trimmed[..<colon].contains("<") {
                var members = trimmed[trimmed.index(after: colon)...]
                if let semicolon = members.lastIndex(of: ";") { members = members[..<semicolon] }
                result += list(in: String(members))
                continue
            }
            result.append(mailbox(in: trimmed))
        }
        return result
    }

    /// Drops an RFC 3464 address type (`rfc822;`) from a `Final-Recipient`-style value.
    static func stripAddressType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value }
        let type = value[..<semicolon].trimmingWhitespace()
        guard !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return value }
        return String(value[value.index(after: semicolon)...])
    }

    /// The address of one mailbox entry, or `nil`.
    private static func mailbox(in entry: String) -> String? {
        var candidate: String
        if let open = indexOutsideQuotes(entry, of: "<") {
            let rest = entry[entry.index(after: open)...]
            guard let close = rest.firstIndex(of: ">") else { return nil }
            candidate = String(rest[..<close])
        } else {
            candidate = removingComments(entry)
        }
        candidate = candidate.trimmingWhitespace()
        if candidate.hasPrefix("mailto:") { candidate.removeFirst("mailto:".count) }
        return isValid(candidate) ? candidate : nil
    }

    private static func removingComments(_ text: String) -> String {
        var depth = 0
        var out = ""
        for character in text {
            if character == "(" { depth += 1; continue }
            if character == ")", depth > 0 { depth -= 1; continue }
            if depth == 0 { out.append(character) }
        }
        return out
    }

    /// Splits on `separator` outside quotes, angle brackets and comments.
    private static func splitTopLevel(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false, angle = 0, comment = 0
        var escaped = false
        for character in text {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where inQuotes: escaped = true
            case "\"" where comment == 0: inQuotes.toggle()
            case "<" where !inQuotes && comment == 0: angle += 1
            case ">" where !inQuotes && comment == 0 && angle > 0: angle -= 1
            case "(" where !inQuotes: comment += 1
            case ")" where !inQuotes && comment > 0: comment -= 1
            case separator where !inQuotes && angle == 0 && comment == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    private static func indexOutsideQuotes(_ text: String, of target: Character) -> String.Index? {
        var inQuotes = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { inQuotes.toggle() } else if character == target, !inQuotes { return index }
            index = text.index(after: index)
        }
        return nil
    }

    private static func isValidLocalPart(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        if bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\""), bytes.count >= 3 {
            return bytes.dropFirst().dropLast().allSatisfy { $0 >= 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\"") }
        }
        guard bytes.first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".") else { return false }
        var previousDot = false
        for byte in bytes {
            let isDot = byte == UInt8(ascii: ".")
            if isDot, previousDot { return false }
            previousDot = isDot
            guard isDot || isAtext(byte) else { return false }
        }
        return true
    }

    private static func isValidDomain(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") {
            let inner = bytes.dropFirst().dropLast()
            return !inner.isEmpty && inner.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }
        }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63,
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 >= 0x80 })
            else { return false }
        }
        guard let top = labels.last, !top.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        return true
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isAtext(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte >= 0x80 || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }
}
