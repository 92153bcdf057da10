import SluiceConfig

/// A source address of a virtual MTA that `disable-source-ip` has stopped from sending to one
/// destination for a while (PowerMTA's meaning): the vmta's other source addresses, other vmtas
/// and other destinations go on. It is not an operator control: nobody releases it, it ends at
/// ``until`` by itself.
public struct DisabledSource: Hashable, Sendable {
    /// The queue whose connections used the address: its domain is the destination, its vmta the
    /// address's owner.
    public var queue: QueueKey
    /// The source address (`smtp-source-host`); empty for a vmta sending from the node's own address.
    public var source: String
    /// When it was disabled.
    public var since: Instant
    /// When it is enabled again.
    public var until: Instant
    /// The remote reply that disabled it (dsnDiag).
    public var reply: String
    /// The `<smtp-pattern-list>` whose `disable-source-ip` rule matched the reply, or the live
    /// reply rule's name (`reply-rule #7`).
    public var patternList: String

    /// `smtp-pattern-list gmail`, or `reply-rule #7` for a live rule.
    public var ruleOrigin: String {
        patternList.hasPrefix("reply-rule #") ? patternList : "smtp-pattern-list \(patternList)"
    }

    /// The destination domain.
    public var destination: String { queue.domain }

    /// The address as operators read it: the address, or `node address` for the node's own.
    public var sourceLabel: String { source.isEmpty ? "node address" : source }

    /// Creates a record of a disabled source.
    public init(queue: QueueKey, source: String, since: Instant, until: Instant, reply: String, patternList: String) {
        self.queue = queue
        self.source = source
        self.since = since
        self.until = until
        self.reply = reply
        self.patternList = patternList
    }
}
