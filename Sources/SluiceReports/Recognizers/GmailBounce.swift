/// Gmail's text-only notification ("Delivery Status Notification (Failure)"; Gmail also sends
/// RFC 3464 reports, which are read as such):
///
///     Delivery to the following recipient failed permanently:
///
///          user@example.com
///
///     Technical details of permanent failure:
///     Google tried to deliver your message, but it was rejected by the server for the
///     recipient domain example.com by mx.example.com. [192.0.2.1].
///
///     The error that the other server returned was:
///     550 5.1.1 The email account that you tried to reach does not exist. …
///
///     ----- Original message -----
///
/// and the newer wording "Your message wasn't delivered to user@example.com because the
/// address couldn't be found…" followed by "The response from the remote server was:".
/// "… has been delayed" gives `delayed`.
enum GmailBounce {
    private static let failedMarkers = ["Delivery to the following recipient failed permanently:", "Delivery to the following recipients failed permanently:"]
    private static let delayedMarkers = ["Delivery to the following recipient has been delayed:", "Delivery to the following recipients have been delayed:"]
    private static let newerMarkers = ["Your message wasn't delivered to ", "Your message wasn\u{2019}t delivered to "]
    private static let replyMarkers = ["The error that the other server returned was:", "The response from the remote server was:", "The response was:"]
    private static let detailMarkers = ["Technical details of permanent failure:", "Technical details of temporary failure:"]
    private static let originalSeparator = "----- Original message -----"

    static func recognize(_ text: BounceText, limits: ReportLimits) -> TextBounce? {
        let separator = text.line(startingWith: originalSeparator)
        let end = separator ?? text.lines.count
        let original = text.quotedOriginal(after: separator, limit: limits.maxHeaderBytes)
        if let intro = failedMarkers.lazy.compactMap({ text.line(containing: $0) }).first {
            return listed(text, intro: intro, end: end, action: .failed, original: original, limits: limits)
        }
        if let intro = delayedMarkers.lazy.compactMap({ text.line(containing: $0) }).first {
            return listed(text, intro: intro, end: end, action: .delayed, original: original, limits: limits)
        }
        for marker in newerMarkers {
            guard let index = text.line(containing: marker), let range = text.lines[index].firstRange(of: marker) else { continue }
            let token = text.lines[index][range.upperBound...].prefix { !$0.isWhitespace }
            let recipients = MailAddress.isValid(String(token))
                ? [BounceText.recipient(String(token), reply: reply(in: text, end: end), action: .failed)] : []
            return TextBounce(format: .gmail, recipients: recipients, original: original)
        }
        return nil
    }

    private static func listed(
        _ text: BounceText, intro: Int, end: Int, action: DeliveryAction, original: OriginalMessage?, limits: ReportLimits
    ) -> TextBounce {
        var addresses: [String] = []
        var index = intro + 1
        while index < end, text.isBlank(index) { index += 1 }
        while index < end, !text.isBlank(index), addresses.count < limits.maxRecipients {
            let candidate = String(text.lines[index].trimmingWhitespaceSubstring())
            if MailAddress.isValid(candidate) { addresses.append(candidate) }
            index += 1
        }
        let replyText = reply(in: text, end: end)
        return TextBounce(
            format: .gmail,
            recipients: addresses.map { BounceText.recipient($0, reply: replyText, action: action) },
            original: original
        )
    }

    /// The remote server's reply when quoted, else the technical details.
    private static func reply(in text: BounceText, end: Int) -> String {
        for marker in replyMarkers {
            if let start = text.line(containing: marker), start < end { return paragraph(text, from: start + 1, end: end) }
        }
        for marker in detailMarkers {
            if let start = text.line(containing: marker), start < end { return text.lines[(start + 1)..<end].joined(separator: " ") }
        }
        return ""
    }

    private static func paragraph(_ text: BounceText, from start: Int, end: Int) -> String {
        var index = start
        while index < end, text.isBlank(index) { index += 1 }
        var lines: [Substring] = []
        while index < end, !text.isBlank(index) {
            lines.append(text.lines[index])
            index += 1
        }
        return lines.joined(separator: " ")
    }
}
