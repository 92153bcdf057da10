/// The parts of a DNS response (RFC 1035 §4) that mail routing needs: the response code and the
/// MX, A, AAAA, CNAME and TXT records of the answer section with their TTLs. Parsed without I/O.
public struct DNSMessage: Hashable, Sendable {
    /// A response code (RCODE).
    public enum ResponseCode: Hashable, Sendable {
        /// NOERROR.
        case noError
        /// SERVFAIL: the server could not answer; try again later.
        case serverFailure
        /// NXDOMAIN: the name does not exist.
        case nameError
        /// Any other code (FORMERR, REFUSED, …).
        case other(Int)
    }

    /// One answer record.
    public enum Record: Hashable, Sendable {
        /// MX: preference and exchange host (RFC 1035 §3.3.9).
        case mx(preference: UInt16, exchange: String, ttl: UInt32)
        /// A: an IPv4 address in dotted-quad form.
        case a(String, ttl: UInt32)
        /// AAAA: an IPv6 address in text form.
        case aaaa(String, ttl: UInt32)
        /// CNAME: the canonical name.
        case cname(String, ttl: UInt32)
        /// TXT: the record's <character-string>s in order, as written (RFC 1035 §3.3.14); how
        /// they join is the reader's business (``RecordLookupResult`` joins them without separator).
        case txt([String], ttl: UInt32)

        /// The record's time to live in seconds.
        public var ttl: UInt32 {
            switch self {
            case .mx(_, _, let ttl), .a(_, let ttl), .aaaa(_, let ttl), .cname(_, let ttl), .txt(_, let ttl): return ttl
            }
        }
    }

    /// A response that could not be parsed.
    public struct Malformed: Error, Hashable, Sendable {
        /// What was wrong.
        public var reason: String
    }

    /// The response code.
    public var responseCode: ResponseCode
    /// True when the TC bit is set.
    public var truncated: Bool
    /// The answer records Sluice understands (others are skipped).
    public var answers: [Record]

    /// Parses a response.
    ///
    /// - Throws: ``Malformed`` for a message shorter than its counts claim, a compression loop or
    ///   a name longer than 255 bytes.
    public init(parsing bytes: [UInt8]) throws(Malformed) {
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 12 else { throw Malformed(reason: "shorter than a header") }
        let flags = reader.u16(at: 2)
        truncated = flags & 0x0200 != 0
        switch flags & 0x000F {
        case 0: responseCode = .noError
        case 2: responseCode = .serverFailure
        case 3: responseCode = .nameError
        case let code: responseCode = .other(Int(code))
        }
        let questions = Int(reader.u16(at: 4)), answerCount = Int(reader.u16(at: 6))
        reader.offset = 12
        for _ in 0..<questions {
            _ = try reader.name()
            try reader.skip(4)
        }
        var answers: [Record] = []
        for _ in 0..<answerCount {
            _ = try reader.name()
            guard reader.offset + 10 <= bytes.count else { throw Malformed(reason: "truncated record") }
            let type = reader.u16(at: reader.offset)
            let ttl = UInt32(reader.u16(at: reader.offset + 4)) << 16 | UInt32(reader.u16(at: reader.offset + 6))
            let length = Int(reader.u16(at: reader.offset + 8))
            reader.offset += 10
            let start = reader.offset
            guard start + length <= bytes.count else { throw Malformed(reason: "record data beyond the message") }
            switch type {
            case 15:
                guard length >= 3 else { throw Malformed(reason: "short MX record") }
                let preference = reader.u16(at: start)
                reader.offset = start + 2
                answers.append(.mx(preference: preference, exchange: try reader.name(), ttl: ttl))
            case 1 where length == 4:
                answers.append(.a(bytes[start..<start + 4].map(String.init).joined(separator: "."), ttl: ttl))
            case 28 where length == 16:
                let groups = stride(from: start, to: start + 16, by: 2).map { String(reader.u16(at: $0), radix: 16) }
                answers.append(.aaaa(groups.joined(separator: ":"), ttl: ttl))
            case 5:
                answers.append(.cname(try reader.name(), ttl: ttl))
            case 16:
                answers.append(.txt(try Self.characterStrings(bytes[start..<start + length]), ttl: ttl))
            default:
                break
            }
            reader.offset = start + length
        }
        self.answers = answers
    }

    /// A TXT record's data: one or more <character-string>s, each a length byte and that many
    /// bytes (read as UTF-8; DKIM and SPF records are ASCII).
    private static func characterStrings(_ data: ArraySlice<UInt8>) throws(Malformed) -> [String] {
        var strings: [String] = []
        var index = data.startIndex
        while index < data.endIndex {
            let count = Int(data[index])
            let end = index + 1 + count
            guard end <= data.endIndex else { throw Malformed(reason: "TXT string beyond its record") }
            strings.append(String(decoding: data[(index + 1)..<end], as: UTF8.self))
            index = end
        }
        return strings
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        func u16(at index: Int) -> UInt16 {
            guard index + 1 < bytes.count else { return 0 }
            return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        }

        mutating func skip(_ count: Int) throws(Malformed) {
            guard offset + count <= bytes.count else { throw Malformed(reason: "truncated question") }
            offset += count
        }

        /// A possibly compressed domain name, lowercased, without the trailing dot ("" for the root).
        mutating func name() throws(Malformed) -> String {
            var labels: [String] = []
            var position = offset
            var jumped = false
            var jumps = 0
            var length = 0
            while true {
                guard position < bytes.count else { throw Malformed(reason: "name beyond the message") }
                let byte = bytes[position]
                if byte == 0 {
                    if !jumped { offset = position + 1 }
                    break
                }
                if byte & 0xC0 == 0xC0 {
                    guard position + 1 < bytes.count else { throw Malformed(reason: "truncated pointer") }
                    jumps += 1
                    guard jumps <= 64 else { throw Malformed(reason: "compression loop") }
                    if !jumped { offset = position + 2 }
                    jumped = true
                    position = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                    continue
                }
                guard byte & 0xC0 == 0 else { throw Malformed(reason: "unknown label type") }
                let count = Int(byte)
                guard position + 1 + count <= bytes.count else { throw Malformed(reason: "label beyond the message") }
                length += count + 1
                guard length <= 255 else { throw Malformed(reason: "name longer than 255 bytes") }
                labels.append(String(decoding: bytes[(position + 1)...(position + count)], as: UTF8.self).lowercased())
                position += 1 + count
            }
            return labels.joined(separator: ".")
        }
    }
}
