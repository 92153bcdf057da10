@testable import SluiceDNS

/// Builds DNS responses for tests (no compression except where asked).
struct DNSPacketBuilder {
    var rcode: UInt8 = 0
    var question = "example.test"
    var questionType: UInt16 = 15
    var answers: [[UInt8]] = []

    static func name(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in text.split(separator: ".") {
            out.append(UInt8(label.utf8.count))
            out += Array(label.utf8)
        }
        return out + [0]
    }

    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    static func u32(_ v: UInt32) -> [UInt8] { u16(UInt16(v >> 16)) + u16(UInt16(v & 0xffff)) }

    /// A record whose owner is a pointer to the question name (offset 12).
    mutating func add(type: UInt16, ttl: UInt32, data: [UInt8]) {
        answers.append([0xC0, 12] + Self.u16(type) + Self.u16(1) + Self.u32(ttl) + Self.u16(UInt16(data.count)) + data)
    }

    mutating func mx(_ preference: UInt16, _ exchange: String, ttl: UInt32 = 300) {
        add(type: 15, ttl: ttl, data: Self.u16(preference) + Self.name(exchange))
    }

    mutating func a(_ address: [UInt8], ttl: UInt32 = 300) { add(type: 1, ttl: ttl, data: address) }

    /// One TXT record of the given <character-string>s (each at most 255 bytes).
    mutating func txt(_ strings: [String], ttl: UInt32 = 300) {
        add(type: 16, ttl: ttl, data: strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) })
    }

    var bytes: [UInt8] {
        [0x12, 0x34, 0x81, 0x80 | rcode] + Self.u16(1) + Self.u16(UInt16(answers.count)) + Self.u16(0) + Self.u16(0)
            + Self.name(question) + Self.u16(questionType) + Self.u16(1) + answers.flatMap { $0 }
    }

    var message: DNSMessage { (try? DNSMessage(parsing: bytes)) ?? DNSMessage.empty }
}

extension DNSMessage {
    static var empty: DNSMessage { (try? DNSMessage(parsing: [0, 0, 0x81, 0x82] + [UInt8](repeating: 0, count: 8)))! }
}
