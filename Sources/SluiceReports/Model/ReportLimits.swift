/// Bounds on the work `ReportParser` does for one message, so that a hostile or oversized
/// report costs bounded memory and time: the message is only ever read in place, and only the
/// parts named here are decoded, up to these sizes.
public struct ReportLimits: Sendable, Equatable {
    /// The largest header section read, for the message and for each MIME part and attached
    /// original. A top-level header section larger than this makes the report unparsed; a larger
    /// section in a part makes that part ignored.
    public var maxHeaderBytes: Int
    /// How deep multiparts are followed (the message itself is depth 0). Parts nested deeper are
    /// not looked at.
    public var maxDepth: Int
    /// How many MIME parts are looked at in all, at every depth.
    public var maxParts: Int
    /// How many bytes of a part that is read (a delivery-status or feedback-report part, a text
    /// part searched for a non-standard bounce) are decoded and scanned; the rest is ignored.
    /// Parts that are not read (attachments, the original's body) are skipped without decoding.
    public var maxScannedPartBytes: Int
    /// How many recipients one report may list; further recipients are ignored.
    public var maxRecipients: Int

    /// Limits that fit every real report seen in practice with a wide margin.
    public init(
        maxHeaderBytes: Int = 256 * 1024,
        maxDepth: Int = 8,
        maxParts: Int = 128,
        maxScannedPartBytes: Int = 512 * 1024,
        maxRecipients: Int = 1000
    ) {
        self.maxHeaderBytes = max(1, maxHeaderBytes)
        self.maxDepth = max(0, maxDepth)
        self.maxParts = max(1, maxParts)
        self.maxScannedPartBytes = max(1, maxScannedPartBytes)
        self.maxRecipients = max(1, maxRecipients)
    }
}
