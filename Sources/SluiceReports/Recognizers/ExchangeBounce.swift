/// The Exchange / Office 365 non-delivery report text:
///
///     Delivery has failed to these recipients or groups:
///
///     user@example.com<mailto:user@example.com>
///     The email address wasn't found at the destination domain. …
///
///     Diagnostic information for administrators:
///
///     Generating server: BN1PR01MB0001.prod.outlook.com
///
///     user@example.com
///     Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'
///
///     Original message headers:
///     …
///
/// The administrators' section gives each address and the remote reply; without it, the
/// addresses listed after the opening line stand with the explanation that follows them.
enum ExchangeBounce {
    private static let markers = [
        "Delivery has failed to these recipients or groups:",
        "Delivery has failed to these recipients or distribution lists:",
    ]

    static func recognize(_ text: BounceText, limits: ReportLimits) -> TextBounce? {
        guard let intro = markers.lazy.compactMap({ text.line(containing: $0) }).first else { return nil }
        let headersLine = text.line(startingWith: "Original message headers:", from: intro)
        let end = headersLine ?? text.lines.count
        let diagnostics = text.line(startingWith: "Diagnostic information for administrators:", from: intro)
        var recipients: [BouncedRecipient] = []
        var reportingMTA: String?
        if let diagnostics {
            var index = diagnostics + 1
            while index < end, recipients.count < limits.maxRecipients {
                let line = text.lines[index].trimmingWhitespaceSubstring()
                if line.hasPrefix("Generating server:") {
                    reportingMTA = String(line.dropFirst("Generating server:".count).trimmingWhitespaceSubstring())
                }
                guard MailAddress.isValid(String(line)) else {
                    index += 1
                    continue
                }
                let (reply, next) = paragraph(in: text, from: index + 1, end: end)
                recipients.append(BounceText.recipient(String(line), reply: cleaned(reply), action: .failed))
                index = next
            }
        }
        if recipients.isEmpty {
            var index = intro + 1
            let listEnd = diagnostics ?? end
            while index < listEnd, recipients.count < limits.maxRecipients {
                guard let address = listedAddress(text.lines[index]) else {
                    index += 1
                    continue
                }
                let (reply, next) = paragraph(in: text, from: index + 1, end: listEnd)
                recipients.append(BounceText.recipient(address, reply: reply, action: .failed))
                index = next
            }
        }
        return TextBounce(
            format: .exchange,
            recipients: recipients,
            reportingMTA: reportingMTA.flatMap { $0.isEmpty ? nil : $0 },
            original: text.quotedOriginal(after: headersLine, limit: limits.maxHeaderBytes)
        )
    }

    /// The lines from `start` up to the next blank line, joined.
    private static func paragraph(in text: BounceText, from start: Int, end: Int) -> (String, Int) {
        var index = start
        var lines: [Substring] = []
        while index < end, !text.isBlank(index) {
            lines.append(text.lines[index])
            index += 1
        }
        return (lines.joined(separator: " "), index)
    }

    /// `#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##` → without the `#` marks.
    private static func cleaned(_ reply: String) -> String {
        reply.collapsingWhitespace.trimming("# ")
    }

    /// An address listed under the opening line: `user@example.com<mailto:user@example.com>`,
    /// `Name<mailto:user@example.com>`, `user@example.com (user@example.com)` or the bare address.
    private static func listedAddress(_ line: Substring) -> String? {
        let trimmed = line.trimmingWhitespaceSubstring()
        if let mailto = trimmed.firstRange(of: "<mailto:") {
            let rest = trimmed[mailto.upperBound...]
            guard let close = rest.firstIndex(of: ">") else { return nil }
            let candidate = String(rest[..<close])
            return MailAddress.isValid(candidate) ? candidate : nil
        }
        guard let token = trimmed.split(whereSeparator: \.isWhitespace).first else { return nil }
        let candidate = String(token)
        return MailAddress.isValid(candidate) ? candidate : nil
    }
}
