import Testing
@testable import SluiceReports

/// The MIME layer: transfer encodings, nesting, large attachments, folding.
@Suite struct MIMETests {
    static let deliveryStatus = """
    Reporting-MTA: dns; mx.receiver.example

    Final-Recipient: rfc822; wes@receiver.example
    Action: failed
    Status: 5.1.1
    Diagnostic-Code: smtp; 550 5.1.1 No such user

    """

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for sextet in 0..<4 {
                out.append(sextet <= chunk.count ? alphabet[Int((value >> (18 - 6 * UInt32(sextet))) & 63)] : UInt8(ascii: "="))
            }
            index += 3
            if index % 57 == 0 { out.append(UInt8(ascii: "\n")) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func base64DeliveryStatus() {
        let message = """
        From: MAILER-DAEMON@mx.receiver.example
        Content-Type: multipart/report; report-type=delivery-status; boundary="b64"

        --b64
        Content-Type: message/delivery-status
        Content-Transfer-Encoding: base64

        \(Self.base64(Self.deliveryStatus.bytes))
        --b64--
        """
        let recipient = ReportParser().parse(message.bytes).bounce?.recipients.first
        #expect(recipient?.finalRecipient == "wes@receiver.example")
        #expect(recipient?.status?.description == "5.1.1")
        #expect(recipient?.diagnosticCode == "550 5.1.1 No such user")
    }

    @Test func quotedPrintableDeliveryStatus() {
        let message = """
        Content-Type: multipart/report; report-type=delivery-status; boundary=qp

        --qp
        Content-Type: message/delivery-status
        Content-Transfer-Encoding: quoted-printable

        Final-Recipient: rfc822; xi=40receiver.example
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 a very long reply that the generator wrapped=
         with a soft break
        --qp--
        """
        let recipient = ReportParser().parse(message.bytes).bounce?.recipients.first
        #expect(recipient?.finalRecipient == "xi@receiver.example")
        #expect(recipient?.diagnosticCode == "550 5.1.1 a very long reply that the generator wrapped with a soft break")
    }

    /// The report inside multipart/mixed inside multipart/alternative, with an unrelated
    /// delivery-status inside the attached original that must not be read.
    @Test func nestedMultiparts() {
        let message = """
        From: MAILER-DAEMON@mx.receiver.example
        Content-Type: multipart/mixed; boundary="outer"

        preamble
        --outer
        Content-Type: multipart/alternative; boundary="middle"

        --middle
        Content-Type: text/html

        <p>bounce</p>
        --middle
        Content-Type: multipart/report; report-type=delivery-status; boundary="inner"

        --inner
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; yan@receiver.example
        Action: failed
        Status: 5.2.1
        --inner--
        --middle--
        --outer
        Content-Type: message/rfc822

        Message-ID: <orig-1@sender.example>
        Content-Type: multipart/report; report-type=delivery-status; boundary="attached"

        --attached
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; someone-else@receiver.example
        Action: failed
        --attached--
        --outer--
        epilogue
        """
        let report = ReportParser().parse(message.bytes).bounce
        #expect(report?.recipients.map(\.finalRecipient) == ["yan@receiver.example"])
        #expect(report?.recipients.first?.status?.description == "5.2.1")
        #expect(report?.original?.messageID == "orig-1@sender.example")
    }

    /// A 50 MB attachment before the report parts is skipped in place; the report still parses.
    @Test func fiftyMegabyteAttachment() {
        var message = """
        From: MAILER-DAEMON@mx.receiver.example
        Content-Type: multipart/report; report-type=delivery-status; boundary="big"

        --big
        Content-Type: application/octet-stream
        Content-Transfer-Encoding: base64

        """.bytes
        let line = Array(repeating: UInt8(ascii: "Q"), count: 76) + [UInt8(ascii: "\n")]
        message.reserveCapacity(50 * 1024 * 1024 + 4096)
        while message.count < 50 * 1024 * 1024 { message += line }
        message += """
        --big
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; zoe@receiver.example
        Action: failed
        Status: 5.1.1
        --big
        Content-Type: message/rfc822

        Message-ID: <big-1@sender.example>


        """.bytes
        message += Array(repeating: UInt8(ascii: "x"), count: 1024 * 1024)
        message += "\n--big--\n".bytes
        let report = ReportParser().parse(message).bounce
        #expect(report?.recipients.map(\.finalRecipient) == ["zoe@receiver.example"])
        #expect(report?.original?.messageID == "big-1@sender.example")
    }

    /// A text/plain top-level body of 50 MB is scanned only up to the limit.
    @Test func hugeTextBodyIsScannedWithinTheLimit() {
        var message = "From: someone@sender.example\nSubject: hello\n\n".bytes
        message += Array(repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        message += "\nThis is the mail system at host late.example.\n<late@receiver.example>: 550 5.1.1 unknown\n".bytes
        #expect(ReportParser().parse(message).unparsedReason == .noMachineReadablePart)
    }

    @Test func foldedHeadersAreUnfolded() throws {
        let bytes = "Subject: one\n\ttwo\n  three\nX-A: b\n\nbody".bytes
        let section = try HeaderSection.read(bytes, range: 0..<bytes.count, limit: 1024)
        #expect(section.fields == [HeaderField(name: "Subject", value: "one two three"), HeaderField(name: "X-A", value: "b")])
        #expect(section.terminated)
        #expect(Array(bytes[section.bodyStart...]) == "body".bytes)
    }

    @Test func contentTypeParameters() {
        let type = ContentType(field: "Multipart/Report; Report-Type=\"delivery-status\";\n boundary=\"a;b\\\"c\"")
        #expect(type?.mediaType == "multipart/report")
        #expect(type?.parameters["report-type"] == "delivery-status")
        #expect(type?.parameters["boundary"] == "a;b\"c")
        #expect(ContentType(field: "garbage") == nil)
    }

    /// A line that starts with the delimiter but goes on is part of the content.
    @Test func delimiterPrefixIsNotADelimiter() {
        let body = "--b\nContent-Type: text/plain\n\n--bx not a delimiter\n--b--\n".bytes
        let parts = MultipartSplitter.parts(of: body, body: 0..<body.count, boundary: "b", maxParts: 10)
        #expect(parts?.count == 1)
        if let part = parts?.first {
            #expect(String(decoding: body[part], as: UTF8.self) == "Content-Type: text/plain\n\n--bx not a delimiter")
        }
    }
}
