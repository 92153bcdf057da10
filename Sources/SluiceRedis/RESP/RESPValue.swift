/// One RESP2 or RESP3 value as Redis sends it.
///
/// RESP2's types (simple string, error, integer, bulk string, array, with their nil forms) and the
/// cheap RESP3 ones (null, boolean, double, map, set, push; a verbatim string arrives as a bulk
/// string, a bulk error as an error). Big numbers and attributes are not supported.
public enum RESPValue: Sendable, Hashable {
    /// `+OK`: a short status line.
    case simpleString(String)
    /// `-ERR …` (or RESP3's `!` bulk error): the server's error message, code first.
    case error(String)
    /// `:42`.
    case integer(Int64)
    /// `$…`: binary-safe bytes; nil is RESP2's null bulk string (`$-1`).
    case bulkString([UInt8]?)
    /// `*…`: nil is RESP2's null array (`*-1`).
    case array([RESPValue]?)
    /// RESP3's `_`.
    case null
    /// RESP3's `#t` / `#f`.
    case boolean(Bool)
    /// RESP3's `,`.
    case double(Double)
    /// RESP3's `%`: key-value pairs in the server's order.
    case map([RESPPair])
    /// RESP3's `~`.
    case set([RESPValue])
    /// RESP3's `>`: out-of-band data such as pub/sub messages.
    case push([RESPValue])

    /// A bulk string holding `text`'s UTF-8 bytes.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// The text of a simple or bulk string (bulk bytes decoded as UTF-8, invalid bytes replaced);
    /// nil for other values.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The integer of an integer reply, or of a string reply holding a decimal integer.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .simpleString, .bulkString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array, set or push; nil for other values and the null array.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let values?), .set(let values), .push(let values): values
        default: nil
        }
    }

    /// True for the null bulk string, the null array and RESP3's null.
    public var isNull: Bool {
        switch self {
        case .null, .bulkString(nil), .array(nil): true
        default: false
        }
    }
}

/// One entry of a RESP3 map.
public struct RESPPair: Sendable, Hashable {
    /// The entry's key.
    public var key: RESPValue
    /// The entry's value.
    public var value: RESPValue

    /// An entry of `key` to `value`.
    public init(key: RESPValue, value: RESPValue) {
        self.key = key
        self.value = value
    }
}
