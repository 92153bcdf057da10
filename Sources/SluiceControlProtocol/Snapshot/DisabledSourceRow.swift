/// A source address that `disable-source-ip` has stopped from sending to one destination for a
/// while (JSON `disabled_sources` of a queue row): it is enabled again at ``until`` by itself.
public struct DisabledSourceRow: Codable, Hashable, Sendable {
    /// The source address (`smtp-source-host`); empty for a vmta sending from the node's own address.
    public var source: String
    /// The destination domain.
    public var destination: String
    /// When it was disabled, Unix time in seconds.
    public var since: Double
    /// When it is enabled again, Unix time in seconds.
    public var until: Double
    /// The remote reply that disabled it (dsnDiag).
    public var reply: String
    /// The `<smtp-pattern-list>` whose `disable-source-ip` rule matched.
    public var patternList: String

    /// Creates a row.
    public init(source: String, destination: String, since: Double, until: Double, reply: String, patternList: String) {
        self.source = source
        self.destination = destination
        self.since = since
        self.until = until
        self.reply = reply
        self.patternList = patternList
    }

    /// The address as operators read it: the address, or `node address` for the node's own.
    public var sourceLabel: String { source.isEmpty ? "node address" : source }

    /// Whole seconds left at `now` (Unix seconds) until it is enabled again; 0 once due.
    public func secondsLeft(at now: Double) -> Int { max(0, Int((until - now).rounded(.up))) }

    enum CodingKeys: String, CodingKey {
        case source, destination, since, until, reply
        case patternList = "pattern_list"
    }
}
