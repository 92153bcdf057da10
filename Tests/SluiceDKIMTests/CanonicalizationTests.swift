import Testing
@testable import SluiceDKIM

/// Collects canonical body bytes instead of hashing them.
final class ByteCollector: CanonicalBodySink {
    var bytes: [UInt8] = []
    func update(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes += bytes }
}

private func body(_ canonicalization: DKIMCanonicalization, _ text: String) -> String {
    let collector = ByteCollector()
    Array(text.utf8).withUnsafeBufferPointer { canonicalization.feedBody($0, to: collector) }
    return String(decoding: collector.bytes, as: UTF8.self)
}

private func headers(_ canonicalization: DKIMCanonicalization, _ message: String) -> String {
    let bytes = Array(message.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
        MessageLayout(buffer).fields.map {
            String(decoding: canonicalization.header(UnsafeBufferPointer(rebasing: buffer[$0.range])), as: UTF8.self)
        }.joined()
    }
}

@Suite struct CanonicalizationTests {
    /// RFC 6376 §3.4.6's example, both ways.
    static let rfcExample = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"

    @Test func rfc6376RelaxedExample() {
        #expect(headers(.relaxed, Self.rfcExample) == "a:X\r\nb:Y Z\r\n")
        #expect(body(.relaxed, " C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
    }

    @Test func rfc6376SimpleExample() {
        #expect(headers(.simple, Self.rfcExample) == "A: X\r\nB : Y\t\r\n\tZ  \r\n")
        #expect(body(.simple, " C \r\nD \t E\r\n\r\n\r\n") == " C \r\nD \t E\r\n")
    }

    @Test func emptyBodies() {
        #expect(body(.simple, "") == "\r\n")
        #expect(body(.simple, "\r\n\r\n") == "\r\n")
        #expect(body(.relaxed, "") == "")
        #expect(body(.relaxed, "\r\n \r\n\t\r\n") == "")
    }

    @Test func bodyWithoutFinalCRLFGetsOne() {
        #expect(body(.simple, "a\r\nb") == "a\r\nb\r\n")
        #expect(body(.relaxed, "a\r\nb  ") == "a\r\nb\r\n")
    }

    @Test func relaxedKeepsInnerEmptyLinesAndLeadingSpace() {
        #expect(body(.relaxed, "a\r\n\r\n  \r\n\tb\t \r\n") == "a\r\n\r\n\r\n b\r\n")
        #expect(body(.relaxed, "one two  three\r\nfour\r\n") == "one two three\r\nfour\r\n")
    }

    @Test func relaxedPassesEightBitBytesThrough() {
        let input: [UInt8] = Array("caf".utf8) + [0xC3, 0xA9, 0x20, 0x20, 0xFF] + [0x0D, 0x0A]
        let collector = ByteCollector()
        input.withUnsafeBufferPointer { DKIMCanonicalization.relaxed.feedBody($0, to: collector) }
        #expect(collector.bytes == Array("caf".utf8) + [0xC3, 0xA9, 0x20, 0xFF, 0x0D, 0x0A])
    }

    @Test func headerSectionEndsAtTheFirstEmptyLine() {
        let bytes = Array("From: a@b\r\nSubject: x\r\n  y\r\n\r\nBody: not a header\r\n".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let layout = MessageLayout(buffer)
            #expect(layout.fields.map(\.lowercasedName) == ["from", "subject"])
            #expect(layout.bodyStart == "From: a@b\r\nSubject: x\r\n  y\r\n\r\n".utf8.count)
        }
    }

    @Test func messageWithoutBodyHasAnEmptyOne() {
        let bytes = Array("From: a@b\r\nSubject: x".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let layout = MessageLayout(buffer)
            #expect(layout.fields.count == 2)
            #expect(layout.bodyStart == bytes.count)
        }
    }
}
