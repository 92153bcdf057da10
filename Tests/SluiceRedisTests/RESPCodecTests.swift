import Testing
@testable import SluiceRedis

@Suite("RESP codec")
struct RESPCodecTests {
    static let samples: [RESPValue] = [
        .simpleString("OK"), .error("ERR wrong"), .integer(-42), .integer(Int64.max), .bulk("hello"), .bulkString([]),
        .bulkString([0, 13, 10, 255]), .bulkString(nil), .array(nil), .array([]),
        .array([.integer(1), .bulk("a"), .array([.bulkString(nil), .simpleString("x")])]),
        .null, .boolean(true), .boolean(false), .double(1.5), .double(-.infinity),
        .map([RESPPair(key: .bulk("k"), value: .integer(1)), RESPPair(key: .simpleString("m"), value: .array([.null]))]),
        .set([.integer(1), .integer(2)]), .push([.bulk("message"), .bulk("ch"), .bulk("hi")]),
    ]

    @Test("every value survives encode then decode")
    func roundTrips() throws {
        for value in Self.samples {
            #expect(try RESPDecoder.decodeOne(RESPEncoder.encode(value)) == value, "\(value)")
        }
    }

    @Test("a command is an array of bulk strings")
    func commandEncoding() {
        #expect(RESPEncoder.encode(command: ["SET", "k", "v"]) == Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8))
        #expect(RESPEncoder.encode(command: ["GET", "é"]) == Array("*2\r\n$3\r\nGET\r\n$2\r\né\r\n".utf8))
    }

    @Test("a stream of values split at every byte decodes to the same values")
    func splitAtEveryByte() throws {
        let wire = Self.samples.flatMap { RESPEncoder.encode($0) }
        for split in 0...wire.count {
            var decoder = RESPDecoder()
            var values: [RESPValue] = []
            decoder.append(wire[..<split])
            while let value = try decoder.next() { values.append(value) }
            decoder.append(wire[split...])
            while let value = try decoder.next() { values.append(value) }
            #expect(values == Self.samples, "split at \(split)")
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test("bytes fed one at a time decode to the same values")
    func oneByteAtATime() throws {
        let wire = Self.samples.flatMap { RESPEncoder.encode($0) }
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        for byte in wire {
            decoder.append([byte])
            while let value = try decoder.next() { values.append(value) }
        }
        #expect(values == Self.samples)
    }

    @Test("RESP3 verbatim strings arrive as bulk strings, bulk errors as errors, doubles in Redis's forms")
    func resp3Forms() throws {
        #expect(try RESPDecoder.decodeOne(Array("=8\r\ntxt:abcd\r\n".utf8)) == .bulk("txt:abcd"))
        #expect(try RESPDecoder.decodeOne(Array("!9\r\nERR oops!\r\n".utf8)) == .error("ERR oops!"))
        #expect(try RESPDecoder.decodeOne(Array(",inf\r\n".utf8)) == .double(.infinity))
        #expect(try RESPDecoder.decodeOne(Array(",1e3\r\n".utf8)) == .double(1000))
        #expect(try RESPDecoder.decodeOne(Array(",nan\r\n".utf8))?.isNull == false)
    }

    @Test("malformed input is rejected with a clear error", arguments: [
        ("?x\r\n", RESPDecodingError.unknownType(UInt8(ascii: "?"))),
        (":12a\r\n", .invalidInteger("12a")),
        (":\r\n", .invalidInteger("")),
        ("$-2\r\n", .invalidLength(-2)),
        ("=-1\r\n", .invalidLength(-1)),
        ("*-5\r\n", .invalidLength(-5)),
        ("$3\r\nabcd\r\n", .missingCRLF),
        ("+OK\rX\n", .missingCRLF),
        ("+OK\n", .missingCRLF),
        ("#x\r\n", .invalidBoolean("x")),
        (",one\r\n", .invalidDouble("one")),
        ("_1\r\n", .invalidInteger("1")),
        ("*1\r\n\u{0}", .unknownType(0)),
    ])
    func malformed(input: String, expected: RESPDecodingError) {
        #expect(throws: expected) { try RESPDecoder.decodeOne(Array(input.utf8)) }
    }

    @Test("incomplete input is not an error")
    func incomplete() throws {
        for input in ["", "+O", "+OK\r", "$5\r\nhel", "$5\r\nhello\r", "*2\r\n:1\r\n", "%1\r\n+k\r\n"] {
            #expect(try RESPDecoder.decodeOne(Array(input.utf8)) == nil, "\(input)")
        }
    }

    @Test("limits: bulk length, element count, nesting depth, line length")
    func limits() throws {
        let limits = RESPLimits(maximumBulkLength: 4, maximumElements: 3, maximumDepth: 2, maximumLineLength: 8)
        #expect(throws: RESPDecodingError.bulkTooLong(5)) { try RESPDecoder.decodeOne(Array("$5\r\n".utf8), limits: limits) }
        #expect(throws: RESPDecodingError.bulkTooLong(Int64.max)) {
            try RESPDecoder.decodeOne(Array("$9223372036854775807\r\n".utf8), limits: RESPLimits(maximumLineLength: 64))
        }
        #expect(throws: RESPDecodingError.tooManyElements(4)) { try RESPDecoder.decodeOne(Array("*4\r\n".utf8), limits: limits) }
        #expect(throws: RESPDecodingError.tooManyElements(2)) { try RESPDecoder.decodeOne(Array("%2\r\n".utf8), limits: limits) }
        #expect(throws: RESPDecodingError.tooDeep) { try RESPDecoder.decodeOne(Array("*1\r\n*1\r\n*1\r\n".utf8), limits: limits) }
        #expect(throws: RESPDecodingError.lineTooLong) { try RESPDecoder.decodeOne(Array("+123456789".utf8), limits: limits) }
        #expect(try RESPDecoder.decodeOne(Array("*1\r\n*1\r\n$4\r\nabcd\r\n".utf8), limits: limits) == .array([.array([.bulk("abcd")])]))
    }

    @Test("deep nesting within the default limit is rejected without recursing past it")
    func deepNesting() {
        let deep = Array(String(repeating: "*1\r\n", count: 100_000).utf8)
        #expect(throws: RESPDecodingError.tooDeep) { try RESPDecoder.decodeOne(deep) }
    }
}
