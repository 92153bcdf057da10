/// Postfix's bounce text when it is not sent as multipart/report:
///
///     This is the mail system at host mail.example.org.
///     I'm sorry to have to inform you that your message could not
///     be delivered to one or more recipients. …
///     <user@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1
///         <user@example.com>: Recipient address rejected: User unknown (in reply to
///         RCPT TO command)
///
/// (older versions: "This is the Postfix program at host …"). A delay warning ("THIS IS A
/// WARNING ONLY") gives `delayed`.
enum PostfixBounce {
    static func recognize(_ text: BounceText, limits: ReportLimits) -> TextBounce? {
        guard let intro = text.line(containing: "This is the mail system at host")
            ?? text.line(containing: "This is the Postfix program at host")
        else { return nil }
        let action: DeliveryAction = text.text.contains("THIS IS A WARNING ONLY") ? .delayed : .failed
        var recipients: [BouncedRecipient] = []
        var index = intro + 1
        while index < text.lines.count, recipients.count < limits.maxRecipients {
            let line = text.lines[index]
            guard line.hasPrefix("<"), let (address, rest) = BounceText.bracketedAddress(in: line),
                  let colon = rest.firstIndex(of: ":")
            else {
                index += 1
                continue
            }
            var reply = String(rest[rest.index(after: colon)...])
            index += 1
            while index < text.lines.count, let first = text.lines[index].first, first == " " || first == "\t" {
                reply += " " + text.lines[index]
                index += 1
            }
            recipients.append(BounceText.recipient(address, reply: reply, action: action))
        }
        return TextBounce(format: .postfix, recipients: recipients, reportingMTA: host(in: text.lines[intro]))
    }

    /// `mail.example.org` from "This is the mail system at host mail.example.org."
    private static func host(in line: Substring) -> String? {
        guard let range = line.firstRange(of: "at host ") else { return nil }
        let host = line[range.upperBound...].prefix { !$0.isWhitespace }
        let trimmed = host.hasSuffix(".") ? host.dropLast() : host
        return trimmed.isEmpty ? nil : String(trimmed)
    }
}
