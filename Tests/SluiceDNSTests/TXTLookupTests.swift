import Testing
@testable import SluiceDNS

/// TXT records: the rdata's <character-string>s, joined per record, and the four outcomes of a
/// lookup told apart.
@Suite struct TXTLookupTests {
    /// A DKIM key split over two strings the way zone files cut records at 255 bytes.
    static let head = "v=DKIM1; k=rsa; p=" + String(repeating: "A", count: 237)
    static let tail = String(repeating: "B", count: 100) + "=="

    @Test func parsesMultiStringAndMultipleRecords() throws {
        var builder = DNSPacketBuilder(question: "s1._domainkey.example.test", questionType: 16)
        builder.txt([Self.head, Self.tail], ttl: 120)
        builder.txt(["v=spf1 -all"])
        builder.txt(["", "empty first string"])
        let message = try DNSMessage(parsing: builder.bytes)
        #expect(Self.head.utf8.count == 255)
        #expect(message.answers == [.txt([Self.head, Self.tail], ttl: 120), .txt(["v=spf1 -all"], ttl: 300),
                                    .txt(["", "empty first string"], ttl: 300)])
        #expect(RecordLookupResult(.response(message), name: "s1._domainkey.example.test", type: .txt)
                == .records([Self.head + Self.tail, "v=spf1 -all", "empty first string"]))
    }

    @Test func aStringRunningPastItsRecordIsMalformed() {
        var builder = DNSPacketBuilder(questionType: 16)
        // Claims 10 bytes, carries 3; the record ends there, the message goes on (another record).
        builder.add(type: 16, ttl: 60, data: [10] + Array("abc".utf8))
        builder.txt(["padding beyond the broken record"])
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage(parsing: builder.bytes) }
    }

    @Test func otherRecordsBesideTXTAreNotTXT() throws {
        // A CNAME chain answer: the alias, then the target's TXT.
        var builder = DNSPacketBuilder(questionType: 16)
        builder.add(type: 5, ttl: 60, data: DNSPacketBuilder.name("target.example.test"))
        builder.txt(["v=DKIM1; p="])
        #expect(RecordLookupResult(.response(builder.message), name: "x", type: .txt) == .records(["v=DKIM1; p="]))
        var cnameOnly = DNSPacketBuilder(questionType: 16)
        cnameOnly.add(type: 5, ttl: 60, data: DNSPacketBuilder.name("target.example.test"))
        #expect(RecordLookupResult(.response(cnameOnly.message), name: "x", type: .txt) == .noRecords)
    }

    @Test func outcomesAreToldApart() async {
        var records = DNSPacketBuilder(questionType: 16)
        records.txt(["one"])
        var truncated = DNSPacketBuilder(questionType: 16)
        truncated.txt(["partial"])
        var truncatedBytes = truncated.bytes
        truncatedBytes[2] |= 0x02  // TC
        let querier = FakeQuerier([
            "txt found.test": .response(records.message),
            "txt empty.test": .response(DNSPacketBuilder(questionType: 16).message),
            "txt servfail.test": .response(DNSPacketBuilder(rcode: 2).message),
            "txt refused.test": .response(DNSPacketBuilder(rcode: 5).message),
            "txt truncated.test": .response((try? DNSMessage(parsing: truncatedBytes)) ?? .empty),
            "txt timeout.test": .failed("timeout"),
        ])
        #expect(await querier.txtRecords(of: "found.test") == .records(["one"]))
        #expect(await querier.txtRecords(of: "empty.test") == .noRecords)
        #expect(await querier.txtRecords(of: "missing.test") == .noSuchName)
        #expect(await querier.txtRecords(of: "servfail.test") == .failed("SERVFAIL for servfail.test TXT"))
        #expect(await querier.txtRecords(of: "refused.test") == .failed("response code 5 for refused.test TXT"))
        #expect(await querier.txtRecords(of: "truncated.test") == .failed("truncated answer for truncated.test TXT"))
        #expect(await querier.txtRecords(of: "timeout.test") == .failed("timeout"))
        #expect(querier.count("txt found.test") == 1)
    }
}
