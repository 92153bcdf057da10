/// Sendmail's text when no delivery-status part carries the report:
///
///        ----- The following addresses had permanent fatal errors -----
///     <user@example.com>
///         (reason: 550 5.1.1 <user@example.com>... User unknown)
///
///        ----- Transcript of session follows -----
///     ... while talking to mx.example.com.:
///     >>> RCPT To:<user@example.com>
///     <<< 550 5.1.1 <user@example.com>... User unknown
///
/// Without a `(reason: …)` line, the transcript line naming the address stands as the reply.
enum SendmailBounce {
    private static let marker = "----- The following addresses had permanent fatal errors -----"
    private static let transcriptMarker = "----- Transcript of session follows -----"
    private static let transcriptLines = 200
    private static let copySeparators = ["----- Original message follows -----", "----- Unsent message follows -----"]

    static func recognize(_ text: BounceText, limits: ReportLimits) -> TextBounce? {
        guard let intro = text.line(containing: marker) else { return nil }
        let separator = copySeparators.lazy.compactMap { text.line(containing: $0, from: intro) }.first
        let transcript = text.line(containing: transcriptMarker, from: intro)
        var recipients: [BouncedRecipient] = []
        var index = intro + 1
        while index < text.lines.count, !text.isBlank(index), !text.lines[index].contains("-----"),
              recipients.count < limits.maxRecipients {
            let line = text.lines[index]
            index += 1
            guard let first = line.first, !first.isWhitespace, let address = address(in: line) else { continue }
            var reply = ""
            while index < text.lines.count, let next = text.lines[index].first, next.isWhitespace, !text.isBlank(index) {
                reply += " " + text.lines[index].trimmingWhitespaceSubstring()
                index += 1
            }
            if reply.isEmpty, let transcript { reply = transcriptReply(text, from: transcript + 1, address: address) }
            recipients.append(BounceText.recipient(address, reply: reasonStripped(reply), action: .failed))
        }
        return TextBounce(format: .sendmail, recipients: recipients, original: text.quotedOriginal(after: separator, limit: limits.maxHeaderBytes))
    }

    private static func address(in line: Substring) -> String? {
        if let bracketed = BounceText.bracketedAddress(in: line) { return bracketed.address }
        guard let token = line.split(whereSeparator: \.isWhitespace).first else { return nil }
        return MailAddress.isValid(String(token)) ? String(token) : nil
    }

    /// `(reason: 550 5.1.1 …)` → `550 5.1.1 …`.
    private static func reasonStripped(_ reply: String) -> String {
        var text = reply.trimmingWhitespace()
        if text.hasPrefix("(reason:") { text = String(text.dropFirst("(reason:".count)) }
        if text.hasSuffix(")") { text = String(text.dropLast()) }
        return text
    }

    /// The first server reply line (`<<< 550 …`) in the transcript's first `transcriptLines`
    /// lines that names the address.
    private static func transcriptReply(_ text: BounceText, from start: Int, address: String) -> String {
        guard start < text.lines.count else { return "" }
        for line in text.lines[start...].prefix(transcriptLines) {
            if line.drop(while: \.isWhitespace).hasPrefix("-----") { break }
            let trimmed = line.hasPrefix("<<<") ? line.dropFirst(3).trimmingWhitespaceSubstring() : line
            if trimmed.contains(address), let first = trimmed.first, first.isNumber { return String(trimmed) }
        }
        return ""
    }
}
