import Testing
@testable import SluiceCore

/// The one reply type's forms: the wire text the servers send, the dsnDiag the engine and
/// accounting keep, and the severity both read.
@Suite struct SMTPReplyFormTests {
    @Test func oneLineFormJoinsTheLines() {
        let reply = SMTPReply(code: 550, enhancedStatus: "5.1.1", lines: ["No such user", "", "here"])
        #expect(reply.dsnDiag == "550 5.1.1 No such user here")
        #expect(reply.wireText == "550-5.1.1 No such user\r\n550-5.1.1\r\n550 5.1.1 here\r\n")
        #expect(reply.severity == .permanentFailure)
    }

    @Test func parsedLinesKeepTheirTextAsGiven() {
        let reply = SMTPReply("421-4.7.0 [TS01] deferred")
        #expect(reply.code == 421 && reply.enhancedStatus == "4.7.0" && reply.lines == ["[TS01] deferred"])
        #expect(reply.dsnDiag == "421-4.7.0 [TS01] deferred")
        #expect(SMTPReply("550 5.1.1 <a@b>: user unknown") == SMTPReply(550, "5.1.1", "<a@b>: user unknown"))
    }

    @Test func aReplyThatNeverCameIsTransient() {
        let none = SMTPReply(diagnostic: "no answer from host: connection refused")
        #expect(none.code == 0 && none.dsnDiag == "no answer from host: connection refused")
        #expect(none.severity == .transientFailure)
        #expect(SMTPReply("hello") == SMTPReply(diagnostic: "hello"))
        #expect(SMTPReply(354, nil, "go").severity == .positiveIntermediate)
    }

    @Test func anotherStatusKeepsTheText() {
        let bare = SMTPReply(553, nil, "mailbox name not allowed")
        let read = bare.withEnhancedStatus("5.1.1")
        #expect(read.enhancedStatus == "5.1.1" && read.dsnDiag == "553 mailbox name not allowed")
    }
}
