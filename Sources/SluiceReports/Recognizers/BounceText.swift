/// A text part searched for a non-standard bounce: its lines, and helpers the recognisers share.
struct BounceText {
    let text: String
    let lines: [Substring]

    init(_ text: String) {
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The index of the first line containing `marker` (case-sensitive), at or after `start`.
    func line(containing marker: String, from start: Int = 0) -> Int? {
        guard start < lines.count else { return nil }
        return lines[start...].firstIndex { $0.contains(marker) }
    }

    /// The index of the first line, at or after `start`, that starts with `prefix` once leading
    /// whitespace is dropped.
    func line(startingWith prefix: String, from start: Int = 0) -> Int? {
        guard start < lines.count else { return nil }
        return lines[start...].firstIndex { $0.drop(while: \.isWhitespace).hasPrefix(prefix) }
    }

    /// Whether the line at `index` is empty or blank.
    func isBlank(_ index: Int) -> Bool {
        lines[index].allSatisfy(\.isWhitespace)
    }

    /// The headers quoted after the separator line at `index` (blank lines skipped), if any.
    func quotedOriginal(after index: Int?, limit: Int) -> OriginalMessage? {
        guard let index, index + 1 < lines.count else { return nil }
        let rest = Array(lines[(index + 1)...].joined(separator: "\n").utf8)
        return PartReader.original(in: rest, range: 0..<rest.count, limit: limit)
    }

    /// A recipient of a text bounce: the reply becomes the diagnostic, and its enhanced code the status.
    static func recipient(_ address: String, reply: String, action: DeliveryAction) -> BouncedRecipient {
        let diagnostic = reply.collapsingWhitespace
        return BouncedRecipient(
            finalRecipient: address,
            action: action,
            status: EnhancedStatus.find(in: diagnostic),
            diagnosticCode: diagnostic.isEmpty ? nil : diagnostic
        )
    }

    /// The address a line names in angle brackets, e.g. `<a@b.example>: host … said: 550 …`.
    static func bracketedAddress(in line: Substring) -> (address: String, rest: Substring)? {
        guard let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") else { return nil }
        let candidate = String(line[line.index(after: open)..<close])
        guard MailAddress.isValid(candidate) else { return nil }
        return (candidate, line[line.index(after: close)...])
    }
}

/// What a recogniser found in a bounce text.
struct TextBounce {
    var format: BounceFormat
    var recipients: [BouncedRecipient]
    var reportingMTA: String?
    var original: OriginalMessage?
}
