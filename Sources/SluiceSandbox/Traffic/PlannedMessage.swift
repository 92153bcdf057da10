import SluiceBase

/// One message the generator injects: its envelope, headers and a deterministic body.
public struct PlannedMessage: Hashable, Sendable {
    /// 0, 1, 2, … in schedule order.
    public let sequence: Int
    /// When the plan wants it injected.
    public let scheduledAt: Instant
    /// The envelope sender (MAIL FROM).
    public let sender: String
    /// The envelope recipients (RCPT TO), all in one domain.
    public let recipients: [String]
    /// The recipients' domain.
    public let domain: String
    /// The `X-Job` value.
    public let jobID: String
    /// The `X-Virtual-MTA` value, if any.
    public let virtualMTA: String?
    /// The `Message-ID` (without angle brackets).
    public let messageID: String
    /// The content's exact size in bytes (what `content` returns).
    public let size: Int
    /// The header block, ending with the blank line.
    public let headers: String
    let bodySeed: UInt64

    /// The full RFC 5322 content with CRLF line ends, headers then a plain-text body; no line
    /// starts with a dot and none is longer than 78 characters.
    public var content: String { headers + MessageComposer.body(bytes: size - headers.utf8.count, seed: bodySeed) }
}
