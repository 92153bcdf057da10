/// qmail-send's bounce, and Yahoo's, which has the same shape:
///
///     Hi. This is the qmail-send program at mx.example.net.
///     I'm afraid I wasn't able to deliver your message to the following addresses.
///     This is a permanent error; I've given up. Sorry it didn't work out.
///
///     <user@example.com>:
///     192.0.2.1 does not like recipient.
///     Remote host said: 550 5.1.1 <user@example.com>... User unknown
///     Giving up on 192.0.2.1.
///
///     --- Below this line is a copy of the message.
///
/// Yahoo opens with "Sorry, we were unable to deliver your message to the following address."
enum QmailBounce {
    private static let qmailMarker = "This is the qmail-send program at"
    private static let yahooMarker = "Sorry, we were unable to deliver your message to the following address"
    private static let copySeparators = ["--- Below this line is a copy of the message", "--- Enclosed are the original headers of the message"]

    static func recognize(_ text: BounceText, limits: ReportLimits) -> TextBounce? {
        let format: BounceFormat
        let intro: Int
        if let qmail = text.line(containing: qmailMarker) {
            (format, intro) = (.qmail, qmail)
        } else if let yahoo = text.line(containing: yahooMarker) {
            (format, intro) = (.yahoo, yahoo)
        } else {
            return nil
        }
        let separator = copySeparators.lazy.compactMap { text.line(startingWith: $0, from: intro) }.first
        let end = separator ?? text.lines.count
        var recipients: [BouncedRecipient] = []
        var index = intro + 1
        while index < end, recipients.count < limits.maxRecipients {
            guard let address = addressLine(text.lines[index]) else {
                index += 1
                continue
            }
            index += 1
            var reply: [Substring] = []
            while index < end, !text.isBlank(index), addressLine(text.lines[index]) == nil {
                reply.append(text.lines[index])
                index += 1
            }
            recipients.append(BounceText.recipient(address, reply: reply.joined(separator: " "), action: .failed))
        }
        return TextBounce(
            format: format,
            recipients: recipients,
            reportingMTA: format == .qmail ? host(in: text.lines[intro]) : nil,
            original: text.quotedOriginal(after: separator, limit: limits.maxHeaderBytes)
        )
    }

    /// `<user@example.com>:` alone on its line.
    private static func addressLine(_ line: Substring) -> String? {
        let trimmed = line.trimmingWhitespaceSubstring()
        guard trimmed.hasPrefix("<"), trimmed.hasSuffix(">:") else { return nil }
        return BounceText.bracketedAddress(in: trimmed)?.address
    }

    /// `mx.example.net` from "Hi. This is the qmail-send program at mx.example.net."
    private static func host(in line: Substring) -> String? {
        guard let range = line.firstRange(of: qmailMarker) else { return nil }
        let host = line[range.upperBound...].drop(while: \.isWhitespace).prefix { !$0.isWhitespace }
        let trimmed = host.hasSuffix(".") ? host.dropLast() : host
        return trimmed.isEmpty ? nil : String(trimmed)
    }
}

extension Substring {
    func trimmingWhitespaceSubstring() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
