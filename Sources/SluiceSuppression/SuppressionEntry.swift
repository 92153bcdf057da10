import SluiceBase

/// One address on the suppression list, in one scope: unique per (address, scope).
public struct SuppressionEntry: Hashable, Sendable {
    /// The address, lowercased.
    public var address: String
    /// Where the entry applies.
    public var scope: SuppressionScope
    /// Why, e.g. `bad-mailbox`, `complaint:abuse`, `manual`.
    public var reason: String
    /// What put it there: the record (`b 2026-12-05T10:11:12Z example.com/vmta1`), the command
    /// (`sluice suppress add by root`) or the file and line of an import.
    public var source: String
    /// When it was added.
    public var time: Instant

    /// Creates an entry; `address` is lowercased.
    public init(address: String, scope: SuppressionScope = .global, reason: String, source: String, time: Instant) {
        self.address = address.lowercased()
        self.scope = scope
        self.reason = reason
        self.source = source
        self.time = time
    }

    /// True when `text` looks like a mail address: one `@` or more, something on each side of the
    /// last one, no spaces or control characters, at most 320 bytes.
    public static func isAddress(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex,
              text.utf8.count <= 320 else { return false }
        return !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }
}
