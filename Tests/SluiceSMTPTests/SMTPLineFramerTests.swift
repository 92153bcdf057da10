import NIOCore
import Testing
@testable import SluiceSMTP

@Suite struct SMTPLineFramerTests {
    /// Feeds `chunks` one after the other and collects the lines.
    private func frame(_ chunks: [String], limit: Int = 16) -> (lines: [SMTPLineFramer.Line], discarding: Bool) {
        var framer = SMTPLineFramer(maximumLength: limit)
        var buffer = ByteBuffer()
        var lines: [SMTPLineFramer.Line] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let line = framer.next(from: &buffer) { lines.append(line) }
        }
        return (lines, framer.isDiscardingLongLine)
    }

    @Test func linesEndAtLFWithOrWithoutCR() {
        #expect(frame(["NOOP\r\nQU", "IT\nRSET"]).lines == [.line("NOOP"), .line("QUIT")])
        #expect(frame(["\r\n"]).lines == [.line("")])
    }

    @Test func theLimitCountsTheLineEnding() {
        let fits = String(repeating: "x", count: 14) + "\r\n"
        #expect(frame([fits]).lines == [.line(String(repeating: "x", count: 14))])
        #expect(frame([String(repeating: "x", count: 15) + "\r\n", "NOOP\r\n"]).lines == [.tooLong, .line("NOOP")])
    }

    @Test func anOverlongLineIsDroppedAsItArrives() {
        var framer = SMTPLineFramer(maximumLength: 16)
        var buffer = ByteBuffer(string: String(repeating: "x", count: 15))
        #expect(framer.next(from: &buffer) == nil && !framer.isDiscardingLongLine, "15 bytes may still end within 16")
        buffer.writeString("x")
        #expect(framer.next(from: &buffer) == nil && framer.isDiscardingLongLine)
        #expect(buffer.readableBytes == 0, "nothing of it is held")
        buffer.writeString(String(repeating: "y", count: 100))
        #expect(framer.next(from: &buffer) == nil && buffer.readableBytes == 0)
        buffer.writeString("yy\r\nNOOP\r\n")
        #expect(framer.next(from: &buffer) == .tooLong)
        #expect(framer.next(from: &buffer) == .line("NOOP") && !framer.isDiscardingLongLine)
    }
}
