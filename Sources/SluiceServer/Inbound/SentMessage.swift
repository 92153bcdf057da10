import Foundation
import SluiceCore

/// What the node remembers of a message it took for delivery, so that a bounce or complaint that
/// arrives days later can be matched to the message's job, virtual MTA and recipients (see
/// ``SentMessageIndex``).
struct SentMessage: Hashable, Sendable {
    /// The node's id for the message.
    var id: MessageID
    /// The `Message-ID` header without its angle brackets; empty when the message had none.
    var messageID: String
    /// `MAIL FROM:… ENVID=`; empty when not given.
    var envelopeID: String
    /// The envelope sender; empty for the null sender.
    var sender: String
    /// The recipients as injected, lowercased.
    var recipients: [String]
    /// The job id from X-Job; empty when none.
    var jobID: String
    /// The virtual MTA the message went to.
    var vmta: String
    /// When the node took the message.
    var receivedAt: Instant

    /// True when `address` (any case) is one of the recipients.
    func hasRecipient(_ address: String) -> Bool { recipients.contains(address.lowercased()) }

    /// `Message-ID: <x>` as `x`; empty for a missing or empty value.
    static func bareMessageID(_ header: String?) -> String {
        guard var value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return "" }
        if value.hasPrefix("<"), value.hasSuffix(">"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
