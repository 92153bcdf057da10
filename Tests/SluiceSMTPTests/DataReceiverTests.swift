import NIOCore
import Testing
@testable import SluiceSMTP

@Suite struct DataReceiverTests {
    private func run(_ text: String, maximumSize: Int = 1000, chunk: Int = 1000) -> (DataReceiver.Outcome?, String) {
        var receiver = DataReceiver(maximumSize: maximumSize)
        let bytes = Array(text.utf8)
        var rest = ByteBuffer()
        var index = 0
        while index < bytes.count {
            var buffer = ByteBuffer(bytes: bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
            if let outcome = receiver.consume(&buffer) {
                rest.writeBuffer(&buffer)
                rest.writeBytes(bytes[min(bytes.count, index)...])
                return (outcome, String(buffer: rest))
            }
        }
        return (nil, "")
    }

    @Test func countingReceiverKeepsNothingAndCountsTheUnstuffedSize() {
        for chunk in [1, 3, 1000] {
            var receiver = DataReceiver(maximumSize: 10, keepsContent: false)
            let bytes = Array("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n".utf8)
            var outcome: DataReceiver.Outcome?
            var index = 0
            while outcome == nil, index < bytes.count {
                var buffer = ByteBuffer(bytes: bytes[index..<min(bytes.count, index + chunk)])
                index += chunk
                outcome = receiver.consume(&buffer)
                #expect(receiver.heldBytes == 0)
            }
            // Past the limit it is still read to its end and counted.
            #expect(outcome == .refused(.tooLarge), "chunk \(chunk)")
            #expect(receiver.size == "Subject: x\r\n\r\n.leading dot\r\n".utf8.count, "chunk \(chunk)")
        }
        var unlimited = DataReceiver(maximumSize: .max, keepsContent: false)
        var buffer = ByteBuffer(string: "a\r\n.\r\n")
        #expect(unlimited.consume(&buffer) == .complete([]) && unlimited.size == 3)
    }

    @Test func unstuffsAndStopsAtTheMark() {
        for chunk in [1, 2, 3, 1000] {
            let (outcome, rest) = run("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n", chunk: chunk)
            #expect(outcome == .complete(Array("Subject: x\r\n\r\n.leading dot\r\n".utf8)), "chunk \(chunk)")
            #expect(rest == "QUIT\r\n", "chunk \(chunk)")
        }
    }

    @Test func emptyMessage() {
        #expect(run(".\r\n").0 == .complete([]))
    }

    @Test func bareLineFeedNeverEndsDataAndRefusesTheMessage() {
        // LF.LF and LF.CRLF are not the end: the real end comes later, and the message is refused.
        let (outcome, rest) = run("a\n.\nb\n.\r\nc\r\n.\r\nNOOP\r\n")
        #expect(outcome == .refused(.bareLineFeed))
        #expect(rest == "NOOP\r\n")
        #expect(DataReceiver.Violation.bareLineFeed.reply.code == 550)
    }

    @Test func bareCarriageReturnRefused() {
        #expect(run("a\rb\r\n.\r\n").0 == .refused(.bareCarriageReturn))
        #expect(run("a\r\n.\rX\r\n.\r\n").0 == .refused(.bareCarriageReturn))
        #expect(run("a\r\n\r.\r\r\n.\r\n").0 == .refused(.bareCarriageReturn))
    }

    @Test func nulRefused() {
        #expect(run("a\u{0}b\r\n.\r\n").0 == .refused(.nul))
    }

    @Test func oversizedMessageIsReadToTheEndAndRefused() {
        let big = String(repeating: "x", count: 98) + "\r\n"
        let (outcome, rest) = run(String(repeating: big, count: 20) + ".\r\nRSET\r\n", maximumSize: 500, chunk: 7)
        #expect(outcome == .refused(.tooLarge))
        #expect(rest == "RSET\r\n")
        #expect(DataReceiver.Violation.tooLarge.reply.code == 552)
        #expect(DataReceiver.Violation.tooLarge.reply.enhancedStatus == "5.3.4")
    }

    @Test func incompleteDataHasNoOutcome() {
        #expect(run("abc\r\n.").0 == nil)
    }

    @Test func stuffingRoundTrips() {
        let samples = ["", "a\r\n", ".\r\n", "..x\r\n.y\r\nz", "line\r\n.\r\nmore\r\n"]
        for sample in samples {
            var receiver = DataReceiver(maximumSize: 10_000)
            var buffer = ByteBuffer(bytes: DotStuffing.stuff(Array(sample.utf8)))
            let expected = sample.isEmpty || sample.hasSuffix("\r\n") ? sample : sample + "\r\n"
            #expect(receiver.consume(&buffer) == .complete(Array(expected.utf8)), "\(sample.debugDescription)")
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func stuffingNormalisesBareLineEndings() {
        #expect(DotStuffing.stuff(Array("a\nb\rc".utf8)) == Array("a\r\nb\r\nc\r\n.\r\n".utf8))
        #expect(DotStuffing.stuff(Array("a\n.b".utf8)) == Array("a\r\n..b\r\n.\r\n".utf8))
    }
}
