/// A `<bounce-processor>` or `<feedback-loop-processor>` block: which inbound mail is a bounce
/// (DSN) or a feedback-loop report (ARF) for the node to process, and what becomes of it.
///
/// Mail to the addresses is consumed, never relayed: the node reads it as a bounce or complaint,
/// ties it to the message it is about, writes `rb`/`f` records and suppresses the address
/// (docs/reports.md). Either kind of block reads either kind of report.
public struct InboundProcessor: Hashable, Sendable {
    /// Which kind of processor the block is.
    public enum Kind: String, Hashable, Sendable {
        /// `<bounce-processor>`: inbound DSNs.
        case bounce = "bounce-processor"
        /// `<feedback-loop-processor>`: inbound ARF complaint reports.
        case feedbackLoop = "feedback-loop-processor"
    }

    /// Which kind of processor the block is.
    public var kind: Kind
    /// The nested `<address-list>`: the local addresses whose mail the processor takes.
    public var addresses: InboundAddressList
    /// `deliver-unmatched-email` [no]: mail to the addresses that is not a bounce (report) is
    /// delivered on as ordinary mail instead of being dropped.
    public var deliverUnmatchedEmail = false
    /// `deliver-matched-email` [no]: processed bounces (reports) are also delivered on.
    public var deliverMatchedEmail = false
    /// `forward-unmatched-to` [none]: where mail that is not a bounce (report) is forwarded.
    public var forwardUnmatchedTo: String?
    /// `forward-errors-to` [none]: where mail that could not be processed is forwarded.
    public var forwardErrorsTo: String?
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a processor with PowerMTA's defaults and no addresses.
    public init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
        self.addresses = InboundAddressList()
    }

    /// True when mail to `address` is for this processor.
    public func accepts(_ address: String) -> Bool { addresses.matches(address) }
}

/// An `<address-list>`: local addresses given by domain (`domain bounces.example.com`), exactly
/// (`address fbl@example.com`), or by a regular expression (`address /^bounce-.*@example\.com$/`).
public struct InboundAddressList: Hashable, Sendable {
    /// `domain NAME` lines, lowercased: every address in the domain.
    public var domains: [String] = []
    /// `address ADDR` lines, lowercased: that address.
    public var addresses: [String] = []
    /// `address /re/` lines: every address the expression matches.
    public var patterns: [PatternRegex] = []

    /// An empty list.
    public init() {}

    /// True when the list has no lines.
    public var isEmpty: Bool { domains.isEmpty && addresses.isEmpty && patterns.isEmpty }

    /// True when `address` is in a listed domain, is a listed address (any case), or matches
    /// a listed expression.
    public func matches(_ address: String) -> Bool {
        let lowered = address.lowercased()
        if let at = lowered.lastIndex(of: "@"), domains.contains(String(lowered[lowered.index(after: at)...])) {
            return true
        }
        return addresses.contains(lowered) || patterns.contains { $0.matches(address) }
    }
}
