import Foundation
import Testing
@testable import SluiceDKIM

/// Messages that exercise canonicalization: each is signed by Sluice and verified by dkimpy.
enum SampleMessages {
    static func crlf(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\r\n").utf8) }

    static let headers = [
        "From: Sender <sender@example.com>", "To: rcpt@example.net", "Subject: Hello",
        "Date: Fri, 04 Dec 2026 10:00:00 +0000", "Message-ID: <1@example.com>",
    ]

    static let all: [(name: String, bytes: [UInt8])] = [
        ("plain", crlf(headers + ["", "Hello, world.", ""])),
        ("long folded headers", crlf([
            "From: Sender <sender@example.com>",
            "To: first@example.net, second@example.net, third@example.net,",
            "\tfourth@example.net, fifth@example.net,",
            "  sixth@example.net",
            "Subject: A subject long enough that the client folded it over more than",
            " one line, and then over a third line",
            "\twith a tab",
            "Date: Fri, 04 Dec 2026 10:00:00 +0000", "Message-ID: <2@example.com>",
            "", "Body.", "",
        ])),
        ("odd case names", crlf([
            "fROM: sender@example.com", "tO: rcpt@example.net", "sUbJeCt: Case", "DATE: Fri, 04 Dec 2026 10:00:00 +0000",
            "message-id: <3@example.com>", "mime-VERSION: 1.0", "CONTENT-type: text/plain", "", "Body.", "",
        ])),
        ("trailing whitespace", crlf([
            "From: sender@example.com  ", "To:   rcpt@example.net\t", "Subject:  Spaces   inside  ",
            "Date: Fri, 04 Dec 2026 10:00:00 +0000", "Message-ID: <4@example.com>",
            "", "line with trailing spaces   ", "\ttabbed\tline\t ", "  ", "last", "", "", "",
        ])),
        ("8-bit", Array("From: sender@example.com\r\nTo: rcpt@example.net\r\nSubject: Caf\u{e9} \u{1F600}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\u{fc}\u{df}e aus K\u{f6}ln \u{2014} \u{65e5}\u{672c}\r\n".utf8) + [0xFF, 0xFE, 0x0D, 0x0A]),
        ("empty body", crlf(headers + ["", ""])),
        ("headers only", crlf(headers)),
        ("no final CRLF", crlf(headers + ["", "first line", "last line without CRLF"])),
        ("blank lines at the end", crlf(headers + ["", "text", "", "", "", ""])),
        ("repeated headers", crlf([
            "Received: from a", "Received: from b", "From: sender@example.com", "To: one@example.net",
            "To: two@example.net", "Subject: Two To fields", "List-Unsubscribe: <https://example.com/u?x=1>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "", "Body.", "",
        ])),
    ]
}

@Suite(Peers.dkimpy) struct DKIMSignerTests {
    static let rsa = Result { try DKIMPrivateKey.generate(.rsa, bits: 2048) }
    static let ed25519 = Result { try DKIMPrivateKey.generate(.ed25519) }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    @Test func everySampleVerifiesForBothAlgorithmsAndAllCanonicalizations() throws {
        let keys = [try Self.rsa.get(), try Self.ed25519.get()]
        var messages: [[UInt8]] = []
        var labels: [String] = []
        for key in keys {
            for headerCanonicalization in DKIMCanonicalization.allCases {
                for bodyCanonicalization in DKIMCanonicalization.allCases {
                    let spec = DKIMSignatureSpec(domain: "example.com", selector: key.type.rawValue, key: key,
                                                 headerCanonicalization: headerCanonicalization,
                                                 bodyCanonicalization: bodyCanonicalization)
                    for sample in SampleMessages.all {
                        messages.append(try DKIMSigner.sign(sample.bytes, with: [spec], unixTime: Self.now))
                        labels.append("\(key.type) \(headerCanonicalization)/\(bodyCanonicalization) \(sample.name)")
                    }
                }
            }
        }
        let records = Dictionary(uniqueKeysWithValues: keys.map { ("\($0.type.rawValue)._domainkey.example.com", DKIMPy.record($0)) })
        let verdicts = try DKIMPy.verify(messages, records: records)
        #expect(verdicts.count == messages.count)
        for (label, verdict) in zip(labels, verdicts) {
            #expect(verdict == [true], "\(label)")
        }
        #expect(messages.count == 2 * 4 * SampleMessages.all.count)
    }

    @Test func optionalTagsVerify() throws {
        let key = try Self.rsa.get()
        let spec = DKIMSignatureSpec(domain: "example.com", selector: "s1", key: key, identity: "bulk@news.example.com",
                                     addTimestamp: true, expireAfterSeconds: 86_400, addBodyLength: true)
        let signed = try DKIMSigner.sign(SampleMessages.all[0].bytes, with: [spec], unixTime: Self.now)
        let text = String(decoding: signed, as: UTF8.self)
        for tag in ["i=bulk@news.example.com;", "t=\(Self.now);", "x=\(Self.now + 86_400);", "l=15;"] {
            #expect(text.contains(tag), "\(tag)")
        }
        #expect(try DKIMPy.verify([signed], records: ["s1._domainkey.example.com": DKIMPy.record(key)]) == [[true]])
    }

    @Test func secondSignatureVerifiesBesideTheFirst() throws {
        let customer = DKIMSignatureSpec(domain: "customer.example", selector: "c1", key: try Self.rsa.get())
        let esp = DKIMSignatureSpec(domain: "esp.example", selector: "e1", key: try Self.ed25519.get(),
                                    headerCanonicalization: .simple, bodyCanonicalization: .simple)
        let signed = try DKIMSigner.sign(SampleMessages.all[1].bytes, with: [customer, esp], unixTime: Self.now)
        let records = ["c1._domainkey.customer.example": DKIMPy.record(try Self.rsa.get()),
                       "e1._domainkey.esp.example": DKIMPy.record(try Self.ed25519.get())]
        #expect(try DKIMPy.verify([signed], records: records) == [[true, true]])
    }

    /// The checker can say no: a changed body, an added From field (signed as absent), a
    /// different published key and a changed signed header each fail.
    @Test func tamperingIsDetected() throws {
        let key = try Self.rsa.get()
        let spec = DKIMSignatureSpec(domain: "example.com", selector: "s1", key: key)
        let signed = try DKIMSigner.sign(SampleMessages.all[0].bytes, with: [spec], unixTime: Self.now)
        let text = String(decoding: signed, as: UTF8.self)
        let changedBody = Array(text.replacingOccurrences(of: "Hello, world.", with: "Hello, World.").utf8)
        let addedFrom = Array(text.replacingOccurrences(of: "\r\n\r\n", with: "\r\nFrom: evil@example.org\r\n\r\n").utf8)
        let changedSubject = Array(text.replacingOccurrences(of: "Subject: Hello", with: "Subject: Hullo").utf8)
        let records = ["s1._domainkey.example.com": DKIMPy.record(key)]
        #expect(try DKIMPy.verify([signed, changedBody, addedFrom, changedSubject], records: records)
            == [[true], [false], [false], [false]])
        let otherKey = try DKIMPrivateKey.generate(.rsa, bits: 2048)
        #expect(try DKIMPy.verify([signed], records: ["s1._domainkey.example.com": DKIMPy.record(otherKey)]) == [[false]])
    }

    @Test func oversigningListsEachHeaderOnceMoreThanPresent() throws {
        let key = try Self.ed25519.get()
        let sample = SampleMessages.all.first { $0.name == "repeated headers" }!.bytes
        let spec = DKIMSignatureSpec(domain: "example.com", selector: "s", key: key, headers: ["to", "Subject", "X-Absent"])
        let withOversigning = sample.withUnsafeBufferPointer { DKIMSigner.signedNames(spec, layout: MessageLayout($0)) }
        #expect(withOversigning == ["From", "From", "to", "to", "to", "Subject", "Subject", "X-Absent"])
        var plain = spec
        plain.oversign = false
        let withoutOversigning = sample.withUnsafeBufferPointer { DKIMSigner.signedNames(plain, layout: MessageLayout($0)) }
        #expect(withoutOversigning == ["From", "to", "to", "Subject"])
    }

    @Test func signatureFieldLinesStayShort() throws {
        let spec = DKIMSignatureSpec(domain: "example.com", selector: "s1", key: try Self.rsa.get())
        let field = try DKIMSigner.signatureField(for: SampleMessages.all[9].bytes, specification: spec, unixTime: Self.now)
        let lines = String(decoding: field, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        #expect(lines.count > 3)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("\t") })
    }
}
