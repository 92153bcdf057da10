import SluiceBase
import Testing
@testable import SluiceSMTP

@Suite struct SMTPReplyTests {
    @Test func parsesMultilineReplyWithEnhancedCode() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.consume(line: "550-5.1.1 The email account that you tried to reach does not exist.") == nil)
        #expect(parser.isInsideReply)
        let reply = try #require(try parser.consume(line: "550 5.1.1 Please try double-checking."))
        #expect(reply.code == 550)
        #expect(reply.enhancedStatus == "5.1.1")
        #expect(reply.lines == ["The email account that you tried to reach does not exist.", "Please try double-checking."])
        #expect(reply.dsnDiag == "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking.")
        #expect(reply.severity == .permanentFailure)
        #expect(!parser.isInsideReply)
    }

    @Test func replyWithoutEnhancedCodeKeepsText() throws {
        var parser = SMTPReplyParser()
        let reply = try #require(try parser.consume(line: "421 Service not available"))
        #expect(reply.enhancedStatus == nil)
        #expect(reply.dsnDiag == "421 Service not available")
        #expect(reply.severity == .transientFailure)
        let bare = try #require(try parser.consume(line: "250"))
        #expect(bare.code == 250 && bare.lines == [""])
    }

    @Test func enhancedCodeOfTheWrongClassStaysText() throws {
        var parser = SMTPReplyParser()
        let reply = try #require(try parser.consume(line: "550 2.1.1 odd"))
        #expect(reply.enhancedStatus == nil)
        #expect(reply.lines == ["2.1.1 odd"])
    }

    @Test func malformedLinesAreRejected() {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyParser.MalformedReply.self) { try parser.consume(line: "hello") }
        #expect(throws: SMTPReplyParser.MalformedReply.self) { try parser.consume(line: "250_x") }
        #expect(throws: SMTPReplyParser.MalformedReply.self) { try parser.consume(line: "650 x") }
        #expect(throws: (any Error).self) {
            _ = try parser.consume(line: "250-a")
            _ = try parser.consume(line: "251 b")
        }
        var short = SMTPReplyParser(maximumLines: 2)
        #expect(throws: (any Error).self) {
            _ = try short.consume(line: "250-a")
            _ = try short.consume(line: "250-b")
            _ = try short.consume(line: "250-c")
        }
    }

    @Test func wireTextRepeatsEnhancedCodeOnEveryLine() {
        let reply = SMTPReply(code: 250, enhancedStatus: "2.0.0", lines: ["a", "b"])
        #expect(reply.wireText == "250-2.0.0 a\r\n250 2.0.0 b\r\n")
        #expect(SMTPReply(354, nil, "go").wireText == "354 go\r\n")
        #expect(SMTPReply(452, "4.3.1", "full\r\n250 forged").wireText == "452 4.3.1 full  250 forged\r\n")
    }

    @Test func roundTripThroughParser() throws {
        let reply = SMTPReply(code: 452, enhancedStatus: "4.5.3", lines: ["Too many", "recipients"])
        var parser = SMTPReplyParser()
        var parsed: SMTPReply?
        for line in reply.wireText.split(separator: "\r\n") { parsed = try parser.consume(line: String(line)) }
        #expect(parsed == reply)
    }
}
