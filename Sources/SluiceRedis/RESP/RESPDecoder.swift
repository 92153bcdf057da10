/// An incremental RESP2/RESP3 decoder: feed it bytes as they arrive, take complete values out.
///
/// Pure: bytes in, values or an error out; it never traps on input. Partial input stays buffered
/// until the rest arrives. A value is parsed from its start each time more bytes come, which is
/// cheap for Redis's replies (a large value arrives in a few reads).
public struct RESPDecoder: Sendable {
    /// The bounds this decoder enforces.
    public let limits: RESPLimits
    private var buffer: [UInt8] = []
    private var start = 0

    /// A decoder enforcing `limits`.
    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// The bytes received and not yet decoded into a value.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Appends bytes received from the server.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete value, or nil until more bytes arrive.
    /// - Throws: ``RESPDecodingError`` when the bytes are not RESP or exceed the limits; the
    ///   decoder should then be discarded with its connection.
    public mutating func next() throws(RESPDecodingError) -> RESPValue? {
        var cursor = RESPCursor(bytes: buffer, index: start, limits: limits)
        guard let value = try cursor.value(depth: 0) else { return nil }
        start = cursor.index
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return value
    }

    /// Decodes all of `bytes` as exactly one value (for tests and tools).
    /// - Throws: ``RESPDecodingError``; nil means `bytes` is an incomplete value.
    public static func decodeOne(_ bytes: [UInt8], limits: RESPLimits = RESPLimits()) throws(RESPDecodingError) -> RESPValue? {
        var decoder = RESPDecoder(limits: limits)
        decoder.append(bytes)
        return try decoder.next()
    }
}

/// A read position in buffered bytes; every read returns nil when the bytes end first.
struct RESPCursor {
    let bytes: [UInt8]
    var index: Int
    let limits: RESPLimits

    mutating func value(depth: Int) throws(RESPDecodingError) -> RESPValue? {
        guard index < bytes.count else { return nil }
        let marker = bytes[index]
        switch marker {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "#"), UInt8(ascii: ","),
             UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"),
             UInt8(ascii: "%"):
            break
        default:
            throw .unknownType(marker)
        }
        var probe = self
        probe.index += 1
        guard let line = try probe.line() else { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let result: RESPValue?
        switch marker {
        case UInt8(ascii: "+"): result = .simpleString(text)
        case UInt8(ascii: "-"): result = .error(text)
        case UInt8(ascii: ":"): result = .integer(try Self.integer(text))
        case UInt8(ascii: "_"):
            guard line.isEmpty else { throw .invalidInteger(text) }
            result = .null
        case UInt8(ascii: "#"):
            switch text {
            case "t": result = .boolean(true)
            case "f": result = .boolean(false)
            default: throw .invalidBoolean(text)
            }
        case UInt8(ascii: ","):
            guard let double = Self.double(text) else { throw .invalidDouble(text) }
            result = .double(double)
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            let length = try Self.integer(text)
            if length == -1 && marker == UInt8(ascii: "$") {
                result = .bulkString(nil)
            } else {
                guard length >= 0 else { throw .invalidLength(length) }
                guard length <= limits.maximumBulkLength else { throw .bulkTooLong(length) }
                guard let payload = try probe.payload(Int(length)) else { return nil }
                result = marker == UInt8(ascii: "!") ? .error(String(decoding: payload, as: UTF8.self)) : .bulkString(payload)
            }
        default:
            let count = try Self.integer(text)
            if count == -1 && marker == UInt8(ascii: "*") {
                result = .array(nil)
            } else {
                guard count >= 0 else { throw .invalidLength(count) }
                let elementCount = marker == UInt8(ascii: "%") ? count * 2 : count
                guard count <= Int64(limits.maximumElements), elementCount <= Int64(limits.maximumElements) else {
                    throw .tooManyElements(count)
                }
                guard depth + 1 <= limits.maximumDepth else { throw .tooDeep }
                var elements: [RESPValue] = []
                for _ in 0..<elementCount {
                    guard let element = try probe.value(depth: depth + 1) else { return nil }
                    elements.append(element)
                }
                switch marker {
                case UInt8(ascii: "*"): result = .array(elements)
                case UInt8(ascii: "~"): result = .set(elements)
                case UInt8(ascii: ">"): result = .push(elements)
                default:
                    result = .map(stride(from: 0, to: elements.count, by: 2).map {
                        RESPPair(key: elements[$0], value: elements[$0 + 1])
                    })
                }
            }
        }
        index = probe.index
        return result
    }

    /// The bytes up to the next CR LF (which it consumes), or nil when no CR LF has arrived yet.
    private mutating func line() throws(RESPDecodingError) -> ArraySlice<UInt8>? {
        var end = index
        while end < bytes.count {
            if end - index > limits.maximumLineLength { throw .lineTooLong }
            if bytes[end] == 13 {
                guard end + 1 < bytes.count else { return nil }
                guard bytes[end + 1] == 10 else { throw .missingCRLF }
                let line = bytes[index..<end]
                index = end + 2
                return line
            }
            if bytes[end] == 10 { throw .missingCRLF }
            end += 1
        }
        if end - index > limits.maximumLineLength { throw .lineTooLong }
        return nil
    }

    /// `length` bytes followed by CR LF, or nil when they have not all arrived.
    private mutating func payload(_ length: Int) throws(RESPDecodingError) -> [UInt8]? {
        guard bytes.count - index >= length + 2 else { return nil }
        guard bytes[index + length] == 13, bytes[index + length + 1] == 10 else { throw .missingCRLF }
        let payload = Array(bytes[index..<(index + length)])
        index += length + 2
        return payload
    }

    private static func integer(_ text: String) throws(RESPDecodingError) -> Int64 {
        guard let value = Int64(text) else { throw .invalidInteger(text) }
        return value
    }

    private static func double(_ text: String) -> Double? {
        switch text {
        case "inf": .infinity
        case "-inf": -.infinity
        case "nan": .nan
        default: text.isEmpty || text.contains(where: { $0.isWhitespace }) ? nil : Double(text)
        }
    }
}
