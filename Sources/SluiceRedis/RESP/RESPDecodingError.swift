/// Why bytes from the server are not valid RESP, or exceed ``RESPLimits``. The connection that
/// received them is unusable afterwards: the decoder cannot find the next value's start.
public enum RESPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first byte of a value is no RESP type marker.
    case unknownType(UInt8)
    /// A line is not ended by CR LF (a lone CR, or bytes after a bulk string's payload).
    case missingCRLF
    /// An integer, length or count line is not a decimal integer.
    case invalidInteger(String)
    /// A length or count below -1 (or -1 where no null form exists).
    case invalidLength(Int64)
    /// A bulk string longer than ``RESPLimits/maximumBulkLength``.
    case bulkTooLong(Int64)
    /// An aggregate with more elements than ``RESPLimits/maximumElements``.
    case tooManyElements(Int64)
    /// Aggregates nested deeper than ``RESPLimits/maximumDepth``.
    case tooDeep
    /// A line longer than ``RESPLimits/maximumLineLength`` (or still unterminated past it).
    case lineTooLong
    /// A `#` line other than `t` or `f`.
    case invalidBoolean(String)
    /// A `,` line that is not a double.
    case invalidDouble(String)

    public var description: String {
        switch self {
        case .unknownType(let byte): "RESP: unknown type byte 0x\(String(byte, radix: 16))"
        case .missingCRLF: "RESP: a line or bulk payload not ended by CR LF"
        case .invalidInteger(let text): "RESP: not an integer: \"\(text)\""
        case .invalidLength(let length): "RESP: invalid length \(length)"
        case .bulkTooLong(let length): "RESP: bulk string of \(length) bytes exceeds the limit"
        case .tooManyElements(let count): "RESP: aggregate of \(count) elements exceeds the limit"
        case .tooDeep: "RESP: aggregates nested too deep"
        case .lineTooLong: "RESP: line too long"
        case .invalidBoolean(let text): "RESP: not a boolean: \"\(text)\""
        case .invalidDouble(let text): "RESP: not a double: \"\(text)\""
        }
    }
}

/// Bounds on what the decoder accepts, so a broken or hostile server cannot make it buffer or
/// recurse without end.
public struct RESPLimits: Sendable, Hashable {
    /// The longest bulk string, in bytes. Default 64 MiB.
    public var maximumBulkLength: Int
    /// The most elements of one array, set, push or map (pairs count twice). Default 1,048,576.
    public var maximumElements: Int
    /// The deepest nesting of aggregates; a top-level array is depth 1. Default 32.
    public var maximumDepth: Int
    /// The longest simple-string, error, number or length line, without CR LF. Default 64 KiB.
    public var maximumLineLength: Int

    /// Limits with the given values (the defaults suit Sluice's commands).
    public init(maximumBulkLength: Int = 64 << 20, maximumElements: Int = 1 << 20, maximumDepth: Int = 32,
                maximumLineLength: Int = 64 << 10) {
        self.maximumBulkLength = maximumBulkLength
        self.maximumElements = maximumElements
        self.maximumDepth = maximumDepth
        self.maximumLineLength = maximumLineLength
    }
}
