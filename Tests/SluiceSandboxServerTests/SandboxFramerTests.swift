import NIOCore
@testable import SluiceSandboxServer
import Testing

@Suite struct SandboxFramerTests {
    private func drain(_ framer: inout SandboxFramer, _ chunks: [String]) -> [SandboxFramer.Event] {
        var buffer = ByteBuffer()
        var events: [SandboxFramer.Event] = []
        for chunk in chunks {
            buffer.writeString(chunk)
            while let event = framer.next(from: &buffer) {
                events.append(event)
                if event == .line("DATA") { framer.expectContent() }
                if event == .lineTooLong { return events }
            }
        }
        return events
    }

    @Test func linesAndContentSplitAnywhere() {
        let wire = "MAIL FROM:<a@b>\r\nDATA\r\nab\r\n..dot\r\n\r\n.\r\nQUIT\r\n"
        // Every split point of the stream gives the same events.
        for cut in 0...wire.utf8.count {
            var framer = SandboxFramer()
            let bytes = Array(wire.utf8)
            let events = drain(&framer, [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)])
            // "ab\r\n" + ".dot\r\n" + "\r\n" = 4 + 6 + 2 bytes after unstuffing.
            #expect(events == [.line("MAIL FROM:<a@b>"), .line("DATA"), .endOfData(size: 12), .line("QUIT")], "cut at \(cut)")
        }
    }

    @Test func emptyContentAndBareLineEndsDoNotEndTheData() {
        var framer = SandboxFramer()
        #expect(drain(&framer, ["DATA\r\n.\r\n"]) == [.line("DATA"), .endOfData(size: 0)])
        var other = SandboxFramer()
        // LF.LF and CR.CR are content, not the end mark.
        #expect(drain(&other, ["DATA\r\nx\n.\ny\r.\rz\r\n.\r\n"]) == [.line("DATA"), .endOfData(size: 11)])
    }

    @Test func overlongLineIsReportedWithoutWaitingForItsEnd() {
        var framer = SandboxFramer(maximumLineLength: 64)
        #expect(drain(&framer, [String(repeating: "x", count: 64)]) == [.lineTooLong])
        var exact = SandboxFramer(maximumLineLength: 64)
        #expect(drain(&exact, [String(repeating: "x", count: 62) + "\r\n"]) == [.line(String(repeating: "x", count: 62))])
    }
}
