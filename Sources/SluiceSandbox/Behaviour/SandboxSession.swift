import SluiceBase
import SluiceConfig

/// One client connection's state in the SMTP conversation. The server layer keeps one per
/// connection and passes it to ``SandboxBehaviour/handle(_:in:at:)`` with every command.
public struct SandboxSession: Hashable, Sendable {
    /// Where the conversation stands.
    public enum Phase: Hashable, Sendable {
        /// Greeted; waiting for EHLO/HELO.
        case greeted
        /// Said hello; no transaction open.
        case ready
        /// MAIL FROM accepted; collecting recipients.
        case transaction
        /// DATA answered 354; waiting for the end of the content.
        case receivingContent
        /// The server has closed (or is closing) the connection.
        case closed
    }

    /// The connection's serial number within its receiver (1, 2, …).
    public let serial: Int
    /// The client's source IP.
    public let source: IPAddress
    /// Where the conversation stands.
    public internal(set) var phase: Phase
    /// The current transaction's sender.
    public internal(set) var sender: String
    /// The current transaction's accepted recipients.
    public internal(set) var recipients: [String]
    /// Transactions started on this connection, for the `{id}` placeholder.
    var transactions = 0
    /// The connection's own random stream (slow-reply delays, incident shares, policy shares).
    var random: SplitMix64

    init(serial: Int, source: IPAddress, seed: UInt64) {
        self.serial = serial
        self.source = source
        self.phase = .greeted
        self.sender = ""
        self.recipients = []
        self.random = SplitMix64(seed: SplitMix64.mix(seed ^ UInt64(truncatingIfNeeded: serial)))
    }

    /// True once the server has decided to close the connection.
    public var isClosed: Bool { phase == .closed }

    mutating func resetTransaction() {
        sender = ""
        recipients = []
    }
}
