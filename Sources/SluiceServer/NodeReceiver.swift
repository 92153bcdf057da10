import SluiceConfig
import SluiceCore
import SluiceSMTP
import SluiceSpool

/// Takes messages from the SMTP listeners: chooses the virtual MTA, DKIM-signs the message as the
/// configuration says, stores it durably
/// (concurrent sessions share the spool's group commit), then queues it on the node and lets the
/// listener answer 250.
struct NodeReceiver: MessageReceiver {
    let node: MailNode
    let spool: Spool
    /// The vmta names known at start, so that only pools need the engine's turn-taking.
    let virtualMTAs: Set<String>
    let pools: Set<String>
    /// Where a storage failure is logged.
    let log: @Sendable (String) -> Void
    /// For `default-virtual-mta by-smtp-source-ip`: each vmta by its `smtp-source-host` address
    /// (the first in name order when two share one).
    let vmtaBySourceAddress: [IPAddress: String]

    init(node: MailNode, spool: Spool, configuration: ConfigModel, log: @escaping @Sendable (String) -> Void) {
        self.node = node
        self.spool = spool
        self.log = log
        var bySource: [IPAddress: String] = [:]
        for vmta in configuration.virtualMTAs.values.sorted(by: { $0.name < $1.name }) {
            for host in vmta.sourceHosts where bySource[host.address] == nil { bySource[host.address] = vmta.name }
        }
        self.vmtaBySourceAddress = bySource
        self.virtualMTAs = configuration.virtualMTANames
        self.pools = Set(configuration.pools.keys)
    }

    func receive(_ received: ReceivedMessage) async -> ReceiveResult {
        var received = received
        switch takingReports(received) {
        case .none: break
        case .some(.failure(let reply)): return .temporaryFailure(reply)
        case .some(.success(let others)):
            guard !others.isEmpty else { return Self.reportAccepted }
            received.recipients = others
        }
        return await relay(received)
    }

    /// Queues `received` for delivery to all its recipients (processor addresses included: an
    /// inbound report delivered on by `deliver-matched-email` comes this way).
    func relay(_ received: ReceivedMessage) async -> ReceiveResult {
        var requested = received.virtualMTA.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if requested == SourceBlock.bySMTPSourceIP {
            guard let address = received.serverAddress, let vmta = vmtaBySourceAddress[address] else {
                log("smtp-in: default-virtual-mta by-smtp-source-ip: no virtual-mta has smtp-source-host "
                    + "\(received.serverAddress.map { "\($0)" } ?? "(unknown)"), the address the message came in on")
                return .temporaryFailure(SMTPReply(451, "4.3.5", "No virtual MTA for this listener address, try again later"))
            }
            requested = vmta
        }
        let vmta: String
        if pools.contains(requested) {
            do {
                vmta = try await node.chooseVirtualMTA(InjectionRoute(requestedVMTA: requested, requestAllowed: true),
                                                       recipients: received.recipients.map(\.address))
            } catch {
                return .permanentFailure(Self.refusal(error))
            }
        } else if virtualMTAs.contains(requested) {
            vmta = requested
        } else {
            return .permanentFailure(Self.refusal(.unknownVirtualMTA(requested)))
        }
        guard let received = await droppingSuppressed(received, vmta: vmta) else { return Self.allSuppressed }
        // DKIM signing is the last change before the message is stored: what is stored is sent.
        let signing = node.dkim.reference
        let (content, receipt, refusal) = signing.context.sign(
            received.content, vmta: vmta, recipients: received.recipients.map(\.address),
            sourceSetting: received.dkimSign, unixTime: received.receivedAt.milliseconds / 1000)
        if let refusal {
            log("dkim: message from \(received.clientAddress) refused (dkim-missing-key refuse): \(refusal)")
            return .temporaryFailure(SMTPReply(451, "4.7.5", "DKIM signing key not available, try again later"))
        }
        let envelope = SpoolEnvelope(
            sender: received.sender,
            recipients: received.recipients.map { recipient in
                SpoolRecipient(address: recipient.address,
                               notify: recipient.parameters.notify.map { conditions in
                                   conditions.isEmpty ? "NEVER"
                                       : RecipientParameters.NotifyCondition.allCases.filter(conditions.contains)
                                           .map(\.rawValue).joined(separator: ",")
                               },
                               originalRecipient: recipient.parameters.originalRecipient)
            },
            vmta: vmta, jobID: received.jobID, receivedAt: received.receivedAt,
            ret: received.mailParameters.ret?.rawValue, envelopeID: received.mailParameters.envelopeID,
            verp: received.verp, suppressDSN: received.suppressDSN)
        let id: MessageID
        do {
            id = try await spool.accept(envelope, content: content)
        } catch SpoolError.tooLarge {
            return .permanentFailure(SMTPReply(552, "5.3.4", "Message size exceeds fixed maximum message size"))
        } catch SpoolError.insufficientSpace {
            return .temporaryFailure(SMTPReply(452, "4.3.1", "Insufficient system storage, try again later"))
        } catch {
            // The reason (with the spool's paths) is for the operator's log, not for the client.
            log("spool: message from \(received.clientAddress) not stored: \(error)")
            return .temporaryFailure(SMTPReply(451, "4.3.0", "Local error: message not stored, try again later"))
        }
        let message = Message(id: id, sender: received.sender, recipients: received.recipients.map(\.address),
                              size: content.count, jobID: received.jobID, vmta: vmta,
                              receivedAt: received.receivedAt, spoolReference: id.raw, verp: received.verp)
        // One pass over the header section: the accounting columns' headers, and the Message-ID
        // the sent-message index keeps when a processor is configured.
        let remembers = node.recipientGate.hasProcessors
        var headers = AccountingHeaders.values(named: remembers ? node.accountingHeaderNames.union(["message-id"])
                                                                : node.accountingHeaderNames, in: content)
        let messageID = remembers ? headers["message-id"] : nil
        if !node.accountingHeaderNames.contains("message-id") { headers["message-id"] = nil }
        do {
            try await node.admit(message, headers: headers, dkim: receipt, dsn: MessageDSNInfo(envelope))
        } catch {
            // Stored but refused by the engine (e.g. a vmta removed by a reload): drop it again.
            try? await spool.record((0..<message.recipients.count).map {
                RecipientProgress(message: id, recipient: $0, outcome: .deleted, attempts: 0)
            })
            return .permanentFailure(Self.refusal(error))
        }
        if remembers {
            node.sentMessages.add(SentMessage(
                id: id, messageID: SentMessage.bareMessageID(messageID), envelopeID: received.mailParameters.envelopeID ?? "",
                sender: received.sender, recipients: message.recipients.map { $0.lowercased() }, jobID: received.jobID ?? "",
                vmta: vmta, receivedAt: received.receivedAt))
        }
        return .accepted(id)
    }

    /// The permanent reply for a message the router cannot place.
    static func refusal(_ error: InjectionError) -> SMTPReply {
        switch error {
        case .unknownVirtualMTA, .emptyPool:
            return SMTPReply(550, "5.7.1", "Message refused: \(error) (check default-virtual-mta and X-Virtual-MTA)")
        default:
            return SMTPReply(550, "5.5.0", "Message refused: \(error)")
        }
    }
}
