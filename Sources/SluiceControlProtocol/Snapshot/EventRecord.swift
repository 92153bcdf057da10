/// One delivery outcome as it happened: the console's Diagnostics tail and the event stream.
public struct EventRecord: Codable, Hashable, Sendable {
    /// Unix time in seconds.
    public var time: Double
    /// `delivered`, `deferred`, `bounced` or `expired`; `suppressed` (a recipient refused or dropped
    /// because the suppression list names it) is published on the node's event hub only, as are the
    /// blocklist watch's `blocklist-listed`, `blocklist-cleared`, `blocklist-refused` and
    /// `blocklist-error` (docs/CONTROL.md); `source-disabled` and `source-enabled` (no recipient)
    /// tell of `disable-source-ip`; `fleet-degraded` and `fleet-connected` (no queue) tell of the
    /// fleet's Redis becoming unreachable and answering again.
    public var kind: String
    /// The queue, `domain/vmta`.
    public var queue: String
    /// The recipient address.
    public var recipient: String
    /// The remote reply code (0 when there was no reply, e.g. a connection failure).
    public var code: Int
    /// The full remote reply or local reason (dsnDiag).
    public var dsnDiag: String
    /// The bounce category for bounces and deferrals (e.g. `bad-mailbox`), empty for deliveries.
    public var category: String

    /// Creates an event.
    public init(time: Double, kind: String, queue: String, recipient: String, code: Int, dsnDiag: String, category: String) {
        self.time = time
        self.kind = kind
        self.queue = queue
        self.recipient = recipient
        self.code = code
        self.dsnDiag = dsnDiag
        self.category = category
    }

    enum CodingKeys: String, CodingKey {
        case time, kind, queue, recipient, code, category
        case dsnDiag = "dsn_diag"
    }
}
