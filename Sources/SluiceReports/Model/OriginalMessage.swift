/// One header field, unfolded: the name as written, the value without its leading whitespace.
public struct HeaderField: Sendable, Equatable {
    /// The field name as written (compare case-insensitively).
    public var name: String
    /// The unfolded value.
    public var value: String

    /// Builds a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The headers of the message a report is about, as the report returned them (the `message/rfc822`
/// or `text/rfc822-headers` part, or the copy a text bounce quotes). These are what Sluice wrote,
/// so they carry what matching needs: Message-ID, X-Job, X-Virtual-MTA, DKIM-Signature.
/// Only the header section is read; the original's body is never decoded.
public struct OriginalMessage: Sendable, Equatable {
    /// Every field in order, unfolded.
    public var headers: [HeaderField]

    /// Wraps a header list.
    public init(headers: [HeaderField]) {
        self.headers = headers
    }

    /// The value of the first field with this name (case-insensitive), e.g. `X-Job`,
    /// `X-Virtual-MTA`, `DKIM-Signature`, `Return-Path`.
    public func header(named name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The values of every field with this name (case-insensitive), in order.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// `Message-ID` without its angle brackets and surrounding whitespace.
    public var messageID: String? {
        guard let raw = header(named: "Message-ID") else { return nil }
        let trimmed = raw.trimmingWhitespace()
        let inner = trimmed.hasPrefix("<") && trimmed.hasSuffix(">") && trimmed.count >= 2
            ? String(trimmed.dropFirst().dropLast()) : trimmed
        return inner.isEmpty ? nil : inner
    }

    /// `From` as written.
    public var from: String? { header(named: "From") }

    /// `To` as written. Microsoft replaces it in JMRP reports; never attribute a complaint by it
    /// without `ReportParser`'s checks.
    public var to: String? { header(named: "To") }

    /// `Subject` as written.
    public var subject: String? { header(named: "Subject") }

    /// The address in `Return-Path` (the envelope sender, e.g. a VERP address), when it is one.
    public var returnPath: String? {
        header(named: "Return-Path").flatMap(MailAddress.single(in:))
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }

}

extension StringProtocol {
    /// Without leading and trailing whitespace.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
