import SluiceConfig
import SluiceCore

/// A delivery status notification (RFC 3464) ready to queue: sent from the null sender to the
/// original envelope sender.
public struct DeliveryStatusNotification: Hashable, Sendable {
    /// The DSN's own envelope sender: always the null sender, so it can never bounce back.
    public let envelopeSender = ""
    /// The envelope recipient: the reported message's sender.
    public var envelopeRecipient: String
    /// The recipients reported on (those whose `NOTIFY` asked for this kind of report).
    public var recipients: [String]
    /// The message: CRLF line endings, no line over 998 bytes.
    public var data: [UInt8]

    /// A failure report (`Action: failed`) for bounced or expired `recipients` of `message`, or
    /// nil when no DSN is due: the null sender, or no recipient whose `NOTIFY` includes FAILURE.
    /// A status that is not 5.x.x is reported as `5.0.0`, since a failed action needs a permanent
    /// status (``ReportedRecipient/init(_:remoteMTA:originalRecipient:notify:willRetryUntil:)``
    /// already gives an expiry `5.4.7`).
    public static func failure(of message: ReportedMessage, recipients: [ReportedRecipient],
                               reporter: DSNReporter, now: Instant,
                               format: DSNFormat = .standard) -> DeliveryStatusNotification? {
        let due = recipients.filter { $0.wants(.failure) }.map { r -> ReportedRecipient in
            var r = r
            if r.status?.hasPrefix("5.") != true { r.status = "5.0.0" }
            return r
        }
        return compose(.failed, message: message, recipients: due, reporter: reporter, now: now, format: format)
    }

    /// A delay report (`Action: delayed`) for recipients still being retried, or nil when no DSN is
    /// due: the null sender, or no recipient that asked for one with `NOTIFY=DELAY`. A status
    /// that is not 4.x.x is reported as `4.0.0`.
    public static func delay(of message: ReportedMessage, recipients: [ReportedRecipient],
                             reporter: DSNReporter, now: Instant, format: DSNFormat = .standard) -> DeliveryStatusNotification? {
        let due = recipients.filter { $0.wants(.delay) }.map { r -> ReportedRecipient in
            var r = r
            if r.status?.hasPrefix("4.") != true { r.status = "4.0.0" }
            return r
        }
        return compose(.delayed, message: message, recipients: due, reporter: reporter, now: now, format: format)
    }

    /// A success report (`Action: relayed`, RFC 3461 §6.2.x) for recipients handed to a peer that
    /// did not offer DSN, or nil when no DSN is due: the null sender, or no recipient that asked
    /// for one with `NOTIFY=SUCCESS`. A status that is not 2.x.x is reported as `2.0.0`.
    public static func relayed(of message: ReportedMessage, recipients: [ReportedRecipient],
                               reporter: DSNReporter, now: Instant, format: DSNFormat = .standard) -> DeliveryStatusNotification? {
        let due = recipients.filter { $0.wants(.success) }.map { r -> ReportedRecipient in
            var r = r
            if r.status?.hasPrefix("2.") != true { r.status = "2.0.0" }
            return r
        }
        return compose(.relayed, message: message, recipients: due, reporter: reporter, now: now, format: format)
    }

    private static func compose(_ action: DSNAction, message: ReportedMessage, recipients: [ReportedRecipient],
                                reporter: DSNReporter, now: Instant, format: DSNFormat) -> DeliveryStatusNotification? {
        let sender = message.sender.trimmingAngleBrackets
        guard !sender.isEmpty, !recipients.isEmpty else { return nil }
        let status = deliveryStatus(action, message: message, recipients: recipients, reporter: reporter)
        if format == .plainText {
            return plainText(action, sender: sender, message: message, recipients: recipients, reporter: reporter,
                             now: now, status: status)
        }
        let human = humanReadable(action, message: message, recipients: recipients, reporter: reporter)
        let original = returnedPart(message)
        let boundary = uniqueBoundary(base: "=_sluice_\(message.messageID)_\(now.milliseconds)",
                                      avoiding: [human.body, status, original.body])
        var data = envelopeHeaders(action, sender: sender, message: message, reporter: reporter, now: now)
        data += MIMEText.field("Content-Type", "multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"")
        data += MIMEText.crlf
        data += Array("This is a MIME-encapsulated message.".utf8) + MIMEText.crlf
        let parts: [(headers: [UInt8], body: [UInt8])] = [
            (human.headers, human.body),
            (MIMEText.field("Content-Type", "message/delivery-status"), status),
            (original.headers, original.body),
        ]
        for part in parts {
            data += MIMEText.crlf + Array("--\(boundary)".utf8) + MIMEText.crlf
            data += part.headers + MIMEText.crlf + part.body
        }
        data += MIMEText.crlf + Array("--\(boundary)--".utf8) + MIMEText.crlf
        return DeliveryStatusNotification(envelopeRecipient: sender, recipients: recipients.map(\.recipient), data: data)
    }

    /// The header fields every DSN starts with, up to `MIME-Version`.
    private static func envelopeHeaders(_ action: DSNAction, sender: String, message: ReportedMessage,
                                        reporter: DSNReporter, now: Instant) -> [UInt8] {
        let subject = switch action {
        case .failed: "Undelivered Mail Returned to Sender"
        case .delayed: "Delayed Mail (still being retried)"
        case .relayed, .delivered: "Successful Mail Delivery Report"
        }
        var data: [UInt8] = []
        data += MIMEText.field("From", "Mail Delivery System <\(reporter.fromAddress)>")
        data += MIMEText.field("To", "<\(sender)>")
        data += MIMEText.field("Subject", subject)
        data += MIMEText.field("Date", CivilTime(now).rfc5322Text)
        data += MIMEText.field("Message-ID", "<\(message.messageID).\(now.milliseconds).dsn@\(reporter.hostName)>")
        data += MIMEText.field("Auto-Submitted", "auto-replied")
        data += MIMEText.field("MIME-Version", "1.0")
        return data
    }

    /// `dsn-format plain-text`: one `text/plain` body, the explanation then the delivery-status
    /// fields, and no attachment (nothing of the original message is returned).
    private static func plainText(_ action: DSNAction, sender: String, message: ReportedMessage,
                                  recipients: [ReportedRecipient], reporter: DSNReporter, now: Instant,
                                  status: [UInt8]) -> DeliveryStatusNotification {
        var data = envelopeHeaders(action, sender: sender, message: message, reporter: reporter, now: now)
        let lines = humanLines(action, recipients: recipients, reporter: reporter)
        let ascii = lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) }
        data += MIMEText.field("Content-Type", "text/plain; charset=utf-8")
        data += MIMEText.field("Content-Transfer-Encoding", ascii ? "7bit" : "8bit")
        data += MIMEText.crlf
        for line in lines {
            for piece in MIMEText.splitLong(Array(line.utf8)) { data += piece + MIMEText.crlf }
        }
        data += MIMEText.crlf + status
        return DeliveryStatusNotification(envelopeRecipient: sender, recipients: recipients.map(\.recipient), data: data)
    }

    /// The first part: a short explanation for people (UTF-8; base64 when not ASCII).
    private static func humanReadable(_ action: DSNAction, message: ReportedMessage, recipients: [ReportedRecipient],
                                      reporter: DSNReporter) -> (headers: [UInt8], body: [UInt8]) {
        let lines = humanLines(action, recipients: recipients, reporter: reporter)
        let text = lines.joined(separator: "\n")
        var headers = MIMEText.field("Content-Type", "text/plain; charset=utf-8")
        if text.unicodeScalars.allSatisfy(\.isASCII) {
            headers += MIMEText.field("Content-Transfer-Encoding", "7bit")
            return (headers, lines.flatMap { MIMEText.fold(Array($0.utf8), softLimit: 76) })
        }
        headers += MIMEText.field("Content-Transfer-Encoding", "base64")
        let crlfText = lines.joined(separator: "\r\n") + "\r\n"
        return (headers, MIMEText.base64Lines(Array(crlfText.utf8)))
    }

    /// The explanation for people, one line each, control characters removed.
    private static func humanLines(_ action: DSNAction, recipients: [ReportedRecipient], reporter: DSNReporter) -> [String] {
        var lines = ["This is the mail system at host \(reporter.hostName).", ""]
        switch action {
        case .failed:
            lines += ["Your message could not be delivered to one or more recipients.",
                      "The mail system gave up on the addresses below.", ""]
        case .relayed, .delivered:
            lines += ["Your message was handed to the recipients' mail systems below, which do not",
                      "report delivery themselves; this is the last report you will get.", ""]
        case .delayed:
            lines += ["Your message has not been delivered yet to the recipients below.",
                      "The mail system will keep trying; you do not need to send it again.", ""]
        }
        for r in recipients {
            let via = r.remoteMTA.map { "host \($0) said: " } ?? ""
            lines.append("<\(r.recipient)>: \(via)\(r.diagnostic)")
            if let until = r.willRetryUntil { lines.append("Delivery will be retried until \(CivilTime(until).rfc5322Text).") }
        }
        return lines.map(MIMEText.singleLine)
    }

    /// The `message/delivery-status` body: the per-message fields, then one block per recipient.
    private static func deliveryStatus(_ action: DSNAction, message: ReportedMessage, recipients: [ReportedRecipient],
                                       reporter: DSNReporter) -> [UInt8] {
        var out = MIMEText.field("Reporting-MTA", "dns; " + MIMEText.asciiEscaped(reporter.hostName))
        if let envelopeID = message.envelopeID {
            out += MIMEText.field("Original-Envelope-Id", MIMEText.asciiEscaped(envelopeID))
        }
        out += MIMEText.field("Arrival-Date", CivilTime(message.arrivalDate).rfc5322Text)
        for r in recipients {
            out += MIMEText.crlf
            if let original = r.originalRecipient {
                out += MIMEText.field("Original-Recipient", original.contains(";")
                                      ? MIMEText.asciiEscaped(original) : addressField(original))
            }
            out += MIMEText.field("Final-Recipient", addressField(r.recipient))
            out += MIMEText.field("Action", action.rawValue)
            out += MIMEText.field("Status", MIMEText.asciiEscaped(r.status ?? ""))
            if let remote = r.remoteMTA { out += MIMEText.field("Remote-MTA", "dns; " + MIMEText.asciiEscaped(remote)) }
            out += MIMEText.field("Diagnostic-Code", "smtp; " + MIMEText.asciiEscaped(r.diagnostic))
            out += MIMEText.field("Last-Attempt-Date", CivilTime(r.lastAttempt).rfc5322Text)
            if action == .delayed, let until = r.willRetryUntil {
                out += MIMEText.field("Will-Retry-Until", CivilTime(until).rfc5322Text)
            }
        }
        return out
    }

    /// `rfc822; a@b.example`, or RFC 6533's `utf-8; j\x{F6}rg@b.example` for a non-ASCII address.
    private static func addressField(_ address: String) -> String {
        let single = MIMEText.singleLine(address)
        return single.unicodeScalars.allSatisfy(\.isASCII) ? "rfc822; " + single : "utf-8; " + MIMEText.asciiEscaped(single)
    }

    /// The third part: the original headers (`text/rfc822-headers`), or with `RET=FULL` the
    /// whole message (`message/rfc822`). Lines are re-terminated with CRLF; header lines over 998
    /// bytes are folded, body lines split.
    private static func returnedPart(_ message: ReportedMessage) -> (headers: [UInt8], body: [UInt8]) {
        let lines = MIMEText.lines(message.content)
        let headerCount = lines.firstIndex(where: \.isEmpty) ?? lines.count
        var body: [UInt8] = []
        for (i, line) in lines.enumerated() {
            if i < headerCount {
                body += MIMEText.fold(line, softLimit: MIMEText.maxLine)
            } else if message.ret == .full {
                for piece in MIMEText.splitLong(line) { body += piece + MIMEText.crlf }
            } else { break }
        }
        let type = message.ret == .full ? "message/rfc822" : "text/rfc822-headers"
        var headers = MIMEText.field("Content-Type", type)
        if body.contains(where: { $0 >= 0x80 }) { headers += MIMEText.field("Content-Transfer-Encoding", "8bit") }
        return (headers, body)
    }

    /// A boundary that none of `parts` contains.
    private static func uniqueBoundary(base: String, avoiding parts: [[UInt8]]) -> String {
        var boundary = base
        var n = 0
        while parts.contains(where: { $0.contains(subsequence: Array(boundary.utf8)) }) {
            n += 1
            boundary = "\(base)_\(n)"
        }
        return boundary
    }
}

extension String {
    /// `<a@b>` → `a@b`; `<>` → empty.
    fileprivate var trimmingAngleBrackets: String {
        hasPrefix("<") && hasSuffix(">") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<start + needle.count].elementsEqual(needle) }
    }
}
