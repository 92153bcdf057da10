/// Exim's bounce:
///
///     This message was created automatically by mail delivery software.
///
///     A message that you sent could not be delivered to one or more of its
///     recipients. This is a permanent error. The following address(es) failed:
///
///       user@example.com
///         host mx.example.com [192.0.2.1]
///         SMTP error from remote mail server after RCPT TO:<user@example.com>:
///         550 5.1.1 User unknown
///
///     ------ This is a copy of the message, including all the headers. ------
///
/// Each failed address is indented two spaces; its reply lines more. Exim's delay warning
/// ("has not yet been delivered") gives `delayed`.
enum EximBounce {
    private static let marker = "This message was created automatically by mail delivery software"
    private static let copySeparator = "------ This is a copy of the message"

    static func recognize(_ text: BounceText, limits: ReportLimits) -> TextBounce? {
        guard let intro = text.line(containing: marker) else { return nil }
        let delayed = text.text.contains("has not yet been delivered")
        guard delayed || text.text.contains("could not be delivered") || text.text.contains("address(es) failed") else { return nil }
        let separator = text.line(startingWith: copySeparator, from: intro)
        let end = separator ?? text.lines.count
        let listStart = (text.line(containing: "address(es) failed", from: intro)
            ?? text.line(containing: "address(es) deferred", from: intro)
            ?? text.line(containing: "recipients", from: intro)).map { $0 + 1 } ?? intro + 1
        var recipients: [BouncedRecipient] = []
        var index = listStart
        while index < end, recipients.count < limits.maxRecipients {
            let line = text.lines[index]
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
            guard indent > 0, indent < 4, let address = address(in: line) else {
                index += 1
                continue
            }
            index += 1
            var reply: [Substring] = []
            while index < end {
                let next = text.lines[index]
                let nextIndent = next.prefix(while: { $0 == " " || $0 == "\t" }).count
                guard nextIndent >= 4, !text.isBlank(index) else { break }
                reply.append(next)
                index += 1
            }
            recipients.append(BounceText.recipient(address, reply: reply.joined(separator: " "), action: delayed ? .delayed : .failed))
        }
        return TextBounce(format: .exim, recipients: recipients, original: text.quotedOriginal(after: separator, limit: limits.maxHeaderBytes))
    }

    /// The address at the start of an indented line (`user@example.com`, `<user@example.com>`,
    /// `user@example.com:`).
    private static func address(in line: Substring) -> String? {
        guard let token = line.split(whereSeparator: \.isWhitespace).first else { return nil }
        var candidate = Substring(token)
        if candidate.hasSuffix(":") { candidate = candidate.dropLast() }
        if candidate.hasPrefix("<"), candidate.hasSuffix(">") { candidate = candidate.dropFirst().dropLast() }
        return MailAddress.isValid(String(candidate)) ? String(candidate) : nil
    }
}
