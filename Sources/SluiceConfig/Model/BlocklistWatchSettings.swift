/// The `<blocklist-watch>` block (a Sluice extension; PowerMTA leaves this to external scripts):
/// every ``interval`` the node looks up each vmta's source address in each DNS blocklist zone
/// and reports, and optionally pauses, a vmta that is listed.
///
/// ```
/// <blocklist-watch>
///     zone zen.spamhaus.org action=pause
///     zone b.barracudacentral.org command=/usr/local/bin/listed.sh
///     interval 5m
/// </blocklist-watch>
/// ```
public struct BlocklistWatchSettings: Hashable, Sendable {
    /// The default interval between two rounds of lookups.
    public static let defaultInterval = TimeSpan.minutes(5)

    /// `zone NAME [action=notify|pause] [command=PROGRAM]` lines in file order; without one,
    /// ``BlocklistZone/defaults`` (Spamhaus ZEN, Barracuda, SpamCop; notify only).
    public var zones: [BlocklistZone]
    /// `interval DURATION` [5m]: the time between two rounds of lookups.
    public var interval: TimeSpan
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates the settings.
    public init(zones: [BlocklistZone] = BlocklistZone.defaults, interval: TimeSpan = Self.defaultInterval,
                location: SourceLocation) {
        self.zones = zones
        self.interval = interval
        self.location = location
    }
}

/// One DNS blocklist zone the watch queries (`zone NAME …` in `<blocklist-watch>`).
public struct BlocklistZone: Hashable, Sendable {
    /// What the node does when a vmta is listed in the zone.
    public enum Action: String, Hashable, Sendable, CaseIterable {
        /// Event, metric, console badge, command: the vmta keeps sending.
        case notify
        /// As `notify`, and the vmta is paused until the listing clears.
        case pause
    }

    /// The zone, lowercased, without a trailing dot (`zen.spamhaus.org`).
    public var name: String
    /// `action=` [notify].
    public var action: Action
    /// `command=PROGRAM`: run (never waited for) when a listing appears or clears, with the vmta,
    /// its source address, the zone and the answer as arguments.
    public var command: String?
    /// The zone's documented answers and their meanings (empty: any 127.0.0.0/8 answer outside
    /// 127.255.255.0/24 is a listing, named "listed").
    public var returnCodes: [BlocklistReturnCode]
    /// Where the line is, or the block's location for the defaults.
    public var location: SourceLocation?

    /// Creates a zone; `returnCodes` default to the known ones of a well-known zone.
    public init(name: String, action: Action = .notify, command: String? = nil,
                returnCodes: [BlocklistReturnCode]? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.action = action
        self.command = command
        self.returnCodes = returnCodes ?? BlocklistReturnCode.known[name] ?? []
        self.location = location
    }

    /// The zones watched when `<blocklist-watch>` has no `zone` line.
    public static let defaults = ["zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net"]
        .map { BlocklistZone(name: $0) }
}

/// A range of answers a zone documents, with its meaning (`127.0.0.4`–`127.0.0.7`: `XBL`).
public struct BlocklistReturnCode: Hashable, Sendable {
    /// The first answer of the range (an IPv4 address as a number).
    public var first: UInt32
    /// The last answer of the range.
    public var last: UInt32
    /// What the zone means by it (`SBL`, `XBL`, `PBL` …).
    public var meaning: String

    /// Creates a range `127.0.0.firstOctet` … `127.0.0.lastOctet`.
    public init(_ firstOctet: UInt8, _ lastOctet: UInt8, _ meaning: String) {
        first = 0x7F00_0000 | UInt32(firstOctet)
        last = 0x7F00_0000 | UInt32(lastOctet)
        self.meaning = meaning
    }

    /// True when `answer` is in the range.
    public func contains(_ answer: UInt32) -> Bool { (first...last).contains(answer) }

    /// The return codes of the well-known zones, by zone name.
    public static let known: [String: [BlocklistReturnCode]] = [
        "zen.spamhaus.org": [
            BlocklistReturnCode(2, 2, "SBL"), BlocklistReturnCode(3, 3, "SBL CSS"),
            BlocklistReturnCode(4, 7, "XBL"), BlocklistReturnCode(9, 9, "SBL DROP"),
            BlocklistReturnCode(10, 11, "PBL"),
        ],
        "b.barracudacentral.org": [BlocklistReturnCode(2, 2, "BRBL")],
        "bl.spamcop.net": [BlocklistReturnCode(2, 2, "SCBL")],
    ]
}
