import Foundation
import SluiceBase

/// Reads and edits the header section of a message (RFC 5322 §2.2) held as CRLF lines: finds
/// fields by name, removes them, and prepends or appends new ones. The body is never touched.
public struct HeaderEditor: Sendable {
    /// One header field: its name as written and its raw bytes including folded lines and CRLFs.
    public struct Field: Sendable {
        /// The field name as written.
        public var name: String
        /// The whole field, `Name: value CRLF` plus any continuation lines.
        public var raw: [UInt8]

        /// The unfolded value with surrounding white space removed.
        public var value: String {
            guard let colon = raw.firstIndex(of: 58) else { return "" }
            // Unfolded on the bytes: every CRLF removed, spaces and tabs trimmed at both ends.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(raw.count - colon)
            var index = colon + 1
            while index < raw.count {
                if raw[index] == 13 && index + 1 < raw.count && raw[index + 1] == 10 {
                    index += 2
                    continue
                }
                bytes.append(raw[index])
                index += 1
            }
            let isBlank = { (byte: UInt8) in byte == 32 || byte == 9 }
            let start = bytes.firstIndex { !isBlank($0) } ?? bytes.count
            let end = bytes.lastIndex { !isBlank($0) }.map { $0 + 1 } ?? start
            let trimmed = bytes[start..<max(start, end)]
            let text = String(decoding: trimmed, as: UTF8.self)
            // Other Unicode spaces at either end (rare) are trimmed as Foundation does.
            guard (trimmed.first ?? 0) >= 0x80 || (trimmed.last ?? 0) >= 0x80 else { return text }
            return text.trimmingCharacters(in: .whitespaces)
        }

        /// True when the field is named `name`, ASCII letters compared without regard to case.
        public func isNamed(_ name: String) -> Bool {
            ASCIICase.equal(self.name.utf8, name.utf8)
        }
    }

    /// The header fields in order.
    public private(set) var fields: [Field]
    private let body: ArraySlice<UInt8>

    /// Splits `content` into header fields and the rest. The header section ends at the first
    /// empty line, or at the first line that is neither a field nor a continuation (which then
    /// starts the body).
    public init(content: [UInt8]) {
        var fields: [Field] = []
        var index = 0
        var bodyStart = content.count
        while index < content.count {
            let lineEnd = HeaderEditor.endOfLine(in: content, from: index)
            let line = content[index..<lineEnd]
            if (line.count <= 2 && line.first == 13) || line.first == 10 {
                bodyStart = index
                break
            }
            if line.first == 32 || line.first == 9 {
                if fields.isEmpty { bodyStart = index; break }
                fields[fields.count - 1].raw.append(contentsOf: line)
            } else if let colon = line.firstIndex(of: 58), colon > index,
                      line[index..<colon].allSatisfy({ $0 > 32 && $0 < 127 }) {
                fields.append(Field(name: String(decoding: line[index..<colon], as: UTF8.self), raw: Array(line)))
            } else {
                bodyStart = index
                break
            }
            index = lineEnd
        }
        self.fields = fields
        self.body = content[bodyStart...]
    }

    /// The first field named `name` (case-insensitive).
    public func first(named name: String) -> Field? {
        fields.first { $0.isNamed(name) }
    }

    /// Removes every field named `name` (case-insensitive); returns the value of the first one.
    @discardableResult
    public mutating func remove(named name: String) -> String? {
        let value = first(named: name)?.value
        fields.removeAll { $0.isNamed(name) }
        return value
    }

    /// Replaces the first field named `name` (case-insensitive) by `Name: value` in the same
    /// place, keeping the name as written (the new value is on one line); false when there is none.
    @discardableResult
    public mutating func replaceFirst(named name: String, value: String) -> Bool {
        guard let index = fields.firstIndex(where: { $0.isNamed(name) }) else { return false }
        let written = fields[index].name
        fields[index] = Field(name: written, raw: Array("\(written): \(value)\r\n".utf8))
        return true
    }

    /// Adds `Name: value` before the other fields (as trace fields are added).
    public mutating func prepend(name: String, value: String) {
        fields.insert(Field(name: name, raw: Array("\(name): \(value)\r\n".utf8)), at: 0)
    }

    /// Adds `Name: value` after the other fields.
    public mutating func append(name: String, value: String) {
        fields.append(Field(name: name, raw: Array("\(name): \(value)\r\n".utf8)))
    }

    /// The message with the edited header section.
    public var content: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + fields.reduce(0) { $0 + $1.raw.count })
        for field in fields { out.append(contentsOf: field.raw) }
        out.append(contentsOf: body)
        return out
    }

    private static func endOfLine(in bytes: [UInt8], from start: Int) -> Int {
        var i = start
        while i < bytes.count {
            if bytes[i] == 10 { return i + 1 }
            i += 1
        }
        return bytes.count
    }
}
