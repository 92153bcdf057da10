/// A header section read from a byte range: unfolded fields, and where the body starts.
struct HeaderSection {
    /// Every field in order.
    var fields: [HeaderField]
    /// Where the body starts (after the blank line), or the end of the range when there is none.
    var bodyStart: Int
    /// Whether a blank line ended the section (a missing one means the input stops in the headers).
    var terminated: Bool

    /// The first value of a field (case-insensitive).
    func value(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Why a header section could not be read.
    enum Failure: Error, Equatable {
        case tooLarge
    }

    /// Reads the header section at the start of `bytes[range]`. Lines are ended by LF or CRLF;
    /// a line starting with space or tab continues the previous field; a line that is not a field
    /// (an mbox `From ` line, junk) is skipped. Reads at most `limit` bytes: a section that has not
    /// ended by then is `.tooLarge`.
    static func read(_ bytes: [UInt8], range: Range<Int>, limit: Int) throws(Failure) -> HeaderSection {
        var fields: [HeaderField] = []
        var pendingName: String?
        var pendingValue: [UInt8] = []
        var position = range.lowerBound
        let end = range.upperBound

        func flush() {
            if let name = pendingName {
                fields.append(HeaderField(name: name, value: String(decoding: pendingValue, as: UTF8.self).trimmingWhitespace()))
            }
            pendingName = nil
            pendingValue.removeAll(keepingCapacity: true)
        }

        while position < end {
            if position - range.lowerBound > limit { throw .tooLarge }
            let newline = ByteSearch.lineEnd(in: bytes, from: position, limit: min(end, position + limit + 1))
            if newline - range.lowerBound > limit, newline < end { throw .tooLarge }
            var lineEnd = newline
            if lineEnd > position, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let next = min(newline + 1, end)
            if lineEnd == position {
                if newline < end {
                    flush()
                    return HeaderSection(fields: fields, bodyStart: next, terminated: true)
                }
                break
            }
            let first = bytes[position]
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                if pendingName != nil {
                    pendingValue.append(UInt8(ascii: " "))
                    pendingValue.append(contentsOf: trimmedLeading(bytes[position..<lineEnd]))
                }
            } else if let colon = fieldColon(bytes, position..<lineEnd) {
                flush()
                pendingName = String(decoding: bytes[position..<colon], as: UTF8.self).trimmingWhitespace()
                pendingValue.append(contentsOf: bytes[(colon + 1)..<lineEnd])
            } else {
                flush()
            }
            position = next
        }
        flush()
        return HeaderSection(fields: fields, bodyStart: end, terminated: false)
    }

    /// The colon ending a field name: the name is printable ASCII without spaces (trailing
    /// spaces before the colon are tolerated).
    private static func fieldColon(_ bytes: [UInt8], _ line: Range<Int>) -> Int? {
        var index = line.lowerBound
        var sawSpace = false
        while index < line.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { return index > line.lowerBound ? index : nil }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                sawSpace = true
            } else if sawSpace || byte < 0x21 || byte > 0x7E {
                return nil
            }
            index += 1
        }
        return nil
    }

    private static func trimmedLeading(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        slice.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}
