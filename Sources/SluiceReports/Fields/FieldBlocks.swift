/// The field groups of a `message/delivery-status` or `message/feedback-report` body: blocks of
/// header-style fields separated by blank lines (RFC 3464 §2.1), each unfolded.
enum FieldBlocks {
    /// Every non-empty block of `body`, in order, at most `maxBlocks`.
    static func read(_ body: [UInt8], limit: Int, maxBlocks: Int) -> [[HeaderField]] {
        var blocks: [[HeaderField]] = []
        var position = 0
        while position < body.count, blocks.count < maxBlocks {
            guard let section = try? HeaderSection.read(body, range: position..<body.count, limit: limit),
                  section.bodyStart > position
            else { break }
            if !section.fields.isEmpty { blocks.append(section.fields) }
            position = section.bodyStart
        }
        return blocks
    }
}

extension Array where Element == HeaderField {
    /// The first value of a field (case-insensitive), trimmed; `nil` when absent or empty.
    func value(_ name: String) -> String? {
        guard let value = first(where: { $0.name.caseInsensitiveEquals(name) })?.value.trimmingWhitespace(),
              !value.isEmpty
        else { return nil }
        return value
    }

    /// Every value of a field (case-insensitive), trimmed.
    func values(_ name: String) -> [String] {
        filter { $0.name.caseInsensitiveEquals(name) }.map { $0.value.trimmingWhitespace() }
    }

    func has(_ name: String) -> Bool {
        contains { $0.name.caseInsensitiveEquals(name) }
    }
}

extension String {
    /// A typed value (`dns; mx.example.com`, `smtp; 550 …`) without its type; a value with no
    /// type is returned whole.
    var withoutValueType: String {
        MailAddress.stripAddressType(self).trimmingWhitespace()
    }

    /// Runs of whitespace collapsed to single spaces, trimmed: a reply as one line.
    var collapsingWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
