import SluiceBase

/// One mail transaction as the delivery client runs it, as a pure state machine: which reply comes
/// next, what to send after it, and the replies so far, from which
/// ``TransactionOutcome/assemble(addresses:mail:rcpts:data:final:interruption:connectionReusable:)``
/// decides each recipient.
///
/// With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write and their replies are read
/// in order; without it each command waits for the reply to the one before, RCPTs only after an
/// accepted MAIL and DATA only when a RCPT was accepted. After `354` the content follows, or, when
/// every RCPT was refused (possible only when pipelined), the bare final dot (RFC 2920 §3.1).
struct SMTPClientTransaction: Sendable {
    /// What to do after a reply.
    enum Step: Hashable, Sendable {
        /// Send these command lines and wait for the reply in the phase.
        case send(String, awaiting: SMTPClientPhase)
        /// Send the content (dot-stuffed, with the end-of-data mark) and wait for the final reply.
        case sendContent([UInt8], awaiting: SMTPClientPhase)
        /// Wait for the next reply of a pipelined batch.
        case await(SMTPClientPhase)
        /// The transaction is over.
        case done
    }

    private enum Expecting: Sendable {
        case mail, rcpt, data, endOfData
    }

    /// The message.
    let transaction: OutboundTransaction
    /// True when the peer offers PIPELINING.
    let pipelining: Bool
    /// True when the DSN parameters go to the peer (it offers DSN and `ignore-dsn` is off): the
    /// peer then reports to the sender itself.
    let passesDSN: Bool
    /// MAIL FROM and the RCPT TOs, with the parameters the peer supports.
    private let envelope: [SMTPCommand]
    private var expecting = Expecting.mail

    /// The reply to MAIL FROM, once read.
    private(set) var mail: SMTPReply?
    /// The replies to RCPT TO read so far, in order.
    private(set) var rcpts: [SMTPReply] = []
    /// The reply to DATA, once read.
    private(set) var data: SMTPReply?
    /// The reply to the final dot, once read (never set when no RCPT was accepted).
    var final: SMTPReply?

    /// Prepares `transaction` for a peer with `capabilities`; `ignore8BitMIME` never declares
    /// `BODY=8BITMIME`, `ignoreDSN` never sends the DSN parameters.
    init(_ transaction: OutboundTransaction, capabilities: ESMTPCapabilities, ignore8BitMIME: Bool, ignoreDSN: Bool = false) {
        self.transaction = transaction
        self.pipelining = capabilities.pipelining
        let passesDSN = capabilities.dsn && !ignoreDSN
        self.passesDSN = passesDSN
        var parameters = MailParameters()
        if capabilities.size != nil { parameters.size = transaction.content.count }
        if capabilities.eightBitMIME && !ignore8BitMIME && transaction.content.contains(where: { $0 >= 0x80 }) {
            parameters.body = .eightBitMIME
        }
        if passesDSN {
            parameters.ret = transaction.mailParameters.ret
            parameters.envelopeID = transaction.mailParameters.envelopeID
        }
        var envelope: [SMTPCommand] = [.mail(from: transaction.sender, parameters: parameters)]
        for recipient in transaction.recipients {
            envelope.append(.rcpt(to: recipient.address, parameters: passesDSN ? recipient.parameters : RecipientParameters()))
        }
        self.envelope = envelope
    }

    /// What to send first, then wait for the reply to MAIL: MAIL alone, or, pipelined, MAIL, the
    /// RCPTs and DATA.
    var opening: String {
        guard pipelining else { return envelope[0].wireText }
        return envelope.map(\.wireText).joined() + SMTPCommand.data.wireText
    }

    /// True when some RCPT was accepted.
    var hasAcceptedRecipient: Bool { rcpts.contains { $0.severity == .positiveCompletion } }

    /// True when the peer holds an open transaction (MAIL accepted, no final reply): RSET first
    /// before the next one.
    var needsReset: Bool { mail?.severity == .positiveCompletion && final == nil }

    /// Takes the next reply and says what follows.
    mutating func receive(_ reply: SMTPReply) -> Step {
        switch expecting {
        case .mail:
            mail = reply
            if pipelining { return awaitNextPipelinedReply() }
            return reply.severity == .positiveCompletion ? sendNextRecipientOrData() : .done
        case .rcpt:
            rcpts.append(reply)
            return pipelining ? awaitNextPipelinedReply() : sendNextRecipientOrData()
        case .data:
            data = reply
            guard reply.code == 354 else { return .done }
            expecting = .endOfData
            guard hasAcceptedRecipient else { return .send(".\r\n", awaiting: .endOfData) }
            return .sendContent(DotStuffing.stuff(transaction.content), awaiting: .endOfData)
        case .endOfData:
            if hasAcceptedRecipient { final = reply }
            return .done
        }
    }

    /// Each recipient's result, `interruption` standing for the replies that never came.
    func outcome(interruption: SMTPReply, connectionReusable: Bool) -> TransactionOutcome {
        var outcome = TransactionOutcome.assemble(
            addresses: transaction.recipients.map(\.address), mail: mail, rcpts: rcpts, data: data, final: final,
            interruption: interruption, connectionReusable: connectionReusable)
        outcome.dsnPassedOn = passesDSN
        return outcome
    }

    private mutating func awaitNextPipelinedReply() -> Step {
        if rcpts.count < transaction.recipients.count {
            expecting = .rcpt
            return .await(.rcpt)
        }
        expecting = .data
        return .await(.data)
    }

    private mutating func sendNextRecipientOrData() -> Step {
        if rcpts.count < transaction.recipients.count {
            expecting = .rcpt
            return .send(envelope[rcpts.count + 1].wireText, awaiting: .rcpt)
        }
        guard hasAcceptedRecipient else { return .done }
        expecting = .data
        return .send(SMTPCommand.data.wireText, awaiting: .data)
    }
}
