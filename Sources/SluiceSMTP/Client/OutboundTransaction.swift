import SluiceBase

/// One message to send on a delivery connection: the envelope and the content.
public struct OutboundTransaction: Sendable {
    /// One recipient with its DSN parameters (sent only when the peer offers DSN).
    public struct Recipient: Hashable, Sendable {
        /// The address for RCPT TO.
        public var address: String
        /// NOTIFY and ORCPT.
        public var parameters: RecipientParameters

        /// Creates a recipient.
        public init(address: String, parameters: RecipientParameters = RecipientParameters()) {
            self.address = address
            self.parameters = parameters
        }
    }

    /// The envelope sender; empty for the null sender.
    public var sender: String
    /// RET and ENVID (sent only when the peer offers DSN); SIZE and BODY are set by the client.
    public var mailParameters: MailParameters
    /// The recipients, in order.
    public var recipients: [Recipient]
    /// The content, CRLF lines, not dot-stuffed.
    public var content: [UInt8]

    /// Creates a transaction.
    public init(sender: String, mailParameters: MailParameters = MailParameters(), recipients: [Recipient], content: [UInt8]) {
        self.sender = sender
        self.mailParameters = mailParameters
        self.recipients = recipients
        self.content = content
    }
}

/// What became of each recipient of a transaction.
public struct TransactionOutcome: Sendable, Hashable {
    /// The final disposition of one recipient.
    public enum Disposition: Sendable, Hashable {
        /// Accepted by the peer (2xx after the final dot).
        case delivered
        /// Try again later (4xx, or a local failure such as a lost connection).
        case deferred
        /// Refused for good (5xx).
        case bounced
    }

    /// One recipient's result: the reply that decided it, whose ``SMTPReply/dsnDiag`` goes to accounting.
    public struct RecipientResult: Sendable, Hashable {
        /// The recipient address.
        public var address: String
        /// The deciding reply (the peer's, or a local one for a lost connection).
        public var reply: SMTPReply
        /// delivered / deferred / bounced, from the reply's class.
        public var disposition: Disposition
    }

    /// One result per recipient, in the transaction's order.
    public var recipients: [RecipientResult]
    /// False when the connection must not be used again (421, lost, timed out).
    public var connectionReusable: Bool
    /// True when the DSN parameters went to a peer that offers DSN (RFC 3461 §5.2): it reports
    /// success itself, so the node sends no `relayed` DSN for NOTIFY=SUCCESS.
    public var dsnPassedOn = false

    /// Decides every recipient from the replies of one transaction (RFC 5321 §3.3, RFC 2920):
    /// a refused MAIL decides all recipients; a refused RCPT decides its recipient; the reply to
    /// DATA or to the final dot decides the recipients whose RCPT was accepted. A missing reply
    /// (the transaction stopped early) is replaced by `interruption`.
    ///
    /// - Parameters:
    ///   - addresses: The recipients in order.
    ///   - mail: The reply to MAIL FROM.
    ///   - rcpts: The replies to RCPT TO, as many as were read.
    ///   - data: The reply to DATA, when read.
    ///   - final: The reply to the final dot, when read.
    ///   - interruption: What stands in for replies that never came.
    ///   - connectionReusable: Whether the connection can carry another transaction.
    public static func assemble(addresses: [String], mail: SMTPReply?, rcpts: [SMTPReply], data: SMTPReply?,
                                final: SMTPReply?, interruption: SMTPReply, connectionReusable: Bool) -> TransactionOutcome {
        var results: [RecipientResult] = []
        for (index, address) in addresses.enumerated() {
            let deciding: SMTPReply
            if let mail, mail.severity != .positiveCompletion {
                deciding = mail
            } else if mail == nil {
                deciding = interruption
            } else if index >= rcpts.count {
                deciding = interruption
            } else if rcpts[index].severity != .positiveCompletion {
                deciding = rcpts[index]
            } else if let data, data.code != 354 {
                // Only a refusal is meaningful here; a 2xx to DATA is a protocol error.
                deciding = data.severity == .positiveCompletion ? interruption : data
            } else if data == nil {
                deciding = interruption
            } else {
                deciding = final ?? interruption
            }
            results.append(RecipientResult(address: address, reply: deciding, disposition: disposition(of: deciding)))
        }
        return TransactionOutcome(recipients: results, connectionReusable: connectionReusable)
    }

    /// delivered for 2xx, bounced for 5xx, deferred otherwise.
    static func disposition(of reply: SMTPReply) -> Disposition {
        switch reply.severity {
        case .positiveCompletion: return .delivered
        case .permanentFailure: return .bounced
        case .transientFailure, .positiveIntermediate: return .deferred
        }
    }
}
