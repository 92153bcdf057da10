/// A DNS blocklist listing of a vmta's source address, found by the `<blocklist-watch>`
/// (`show vmtas` JSON: `{"zone":"zen.spamhaus.org","answer":"127.0.0.2","meaning":"SBL",
/// "action":"pause","since":1733400000.0}`).
public struct BlocklistListing: Codable, Hashable, Sendable {
    /// The zone that lists the address.
    public var zone: String
    /// The zone's answer (several joined with commas), e.g. `127.0.0.2`.
    public var answer: String
    /// What the zone means by the answer (`SBL`, `XBL`, `PBL`; `listed` for a zone without known codes).
    public var meaning: String
    /// The zone's configured action: `notify` or `pause`.
    public var action: String
    /// Unix time (seconds) the listing was first seen.
    public var since: Double

    /// Creates a listing.
    public init(zone: String, answer: String, meaning: String, action: String, since: Double) {
        self.zone = zone
        self.answer = answer
        self.meaning = meaning
        self.action = action
        self.since = since
    }
}
