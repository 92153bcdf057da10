/// Splits CSV text into records as RFC 4180 writes them: fields separated by commas, records by
/// CRLF or LF, a field in double quotes may hold commas, line breaks and doubled quotes (`""`).
///
/// A malformed record (a quote inside an unquoted field, text after a closing quote, a quoted
/// field never closed) is returned as ``Row/malformed(_:)`` and reading resumes at the next line.
struct CSVReader {
    /// One record, with the line it starts on (from 1).
    struct Record: Hashable {
        var line: Int
        var row: Row
    }

    /// A record's content.
    enum Row: Hashable {
        case fields([String])
        case malformed(String)
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
                       newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    /// The next record (blank lines skipped), or nil at the end.
    mutating func next() -> Record? {
        while index < bytes.count, bytes[index] == Self.newline || bytes[index] == Self.carriageReturn {
            if bytes[index] == Self.newline { line += 1 }
            index += 1
        }
        guard index < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        while true {
            switch field() {
            case .failure(let problem):
                skipLine()
                return Record(line: start, row: .malformed(problem.message))
            case .success(let (text, last)):
                fields.append(text)
                if last { return Record(line: start, row: .fields(fields)) }
            }
        }
    }

    /// One field and whether it ends the record.
    private mutating func field() -> Result<(String, Bool), Problem> {
        if index < bytes.count, bytes[index] == Self.quote { return quotedField() }
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case Self.comma:
                index += 1
                return .success((text(start..<index - 1), false))
            case Self.newline, Self.carriageReturn:
                let end = index
                endOfLine()
                return .success((text(start..<end), true))
            case Self.quote:
                return .failure(Problem("a double quote inside a field that does not start with one"))
            default:
                index += 1
            }
        }
        return .success((text(start..<index), true))
    }

    private mutating func quotedField() -> Result<(String, Bool), Problem> {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == Self.newline { line += 1 }
            guard byte == Self.quote else {
                value.append(byte)
                continue
            }
            if index < bytes.count, bytes[index] == Self.quote {
                value.append(Self.quote)
                index += 1
                continue
            }
            let text = String(decoding: value, as: UTF8.self)
            guard index < bytes.count else { return .success((text, true)) }
            switch bytes[index] {
            case Self.comma:
                index += 1
                return .success((text, false))
            case Self.newline, Self.carriageReturn:
                endOfLine()
                return .success((text, true))
            default:
                return .failure(Problem("text after the closing double quote of a field"))
            }
        }
        return .failure(Problem("a double-quoted field is not closed before the end of the file"))
    }

    /// Past one CR, LF or CRLF.
    private mutating func endOfLine() {
        if bytes[index] == Self.carriageReturn { index += 1 }
        if index < bytes.count, bytes[index] == Self.newline {
            index += 1
            line += 1
        }
    }

    /// Past the rest of the current line, after an error.
    private mutating func skipLine() {
        while index < bytes.count, bytes[index] != Self.newline { index += 1 }
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
