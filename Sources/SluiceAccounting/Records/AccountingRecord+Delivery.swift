import SluiceConfig
import SluiceCore

/// What the I/O layer knows about a delivery attempt and its message beyond the engine's
/// ``DeliveryRecord``; every part is optional (a deferral before any connection has no remote host).
public struct DeliveryContext: Hashable, Sendable {
    /// The node's `host-name`.
    public var node: String?
    /// The message size in bytes.
    public var size: Int?
    /// The local address of the delivery connection.
    public var sourceIP: String?
    /// The remote address of the delivery connection.
    public var destinationIP: String?
    /// The remote MTA's host name (the MX host).
    public var remoteHost: String?
    /// The ESMTP extensions the remote server announced.
    public var esmtpExtensions: [String]
    /// The virtual MTA pool the message was injected to.
    public var vmtaPool: String?
    /// The envelope id (`ENVID=`).
    public var envelopeID: String?
    /// The original recipient (`ORCPT=`).
    public var originalRecipient: String?
    /// How the message came in.
    public var sourceType: SourceType?
    /// The injecting client's HELO/EHLO name.
    public var sourceMTA: String?
    /// The message's header values for `header_NAME` columns, by lowercased name.
    public var headers: [String: String]

    /// Creates a context.
    public init(node: String? = nil, size: Int? = nil, sourceIP: String? = nil, destinationIP: String? = nil,
                remoteHost: String? = nil, esmtpExtensions: [String] = [], vmtaPool: String? = nil,
                envelopeID: String? = nil, originalRecipient: String? = nil,
                sourceType: SourceType? = nil, sourceMTA: String? = nil, headers: [String: String] = [:]) {
        self.node = node
        self.size = size
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.remoteHost = remoteHost
        self.esmtpExtensions = esmtpExtensions
        self.vmtaPool = vmtaPool
        self.envelopeID = envelopeID
        self.originalRecipient = originalRecipient
        self.sourceType = sourceType
        self.sourceMTA = sourceMTA
        self.headers = headers
    }
}

extension AccountingRecord {
    /// The accounting record of an engine outcome.
    ///
    /// delivered → `d` / `relayed`; deferred → `t` / `delayed`; bounced, expired and deleted →
    /// `b` / `failed`. A missing enhanced status becomes `2.0.0`, `4.0.0`, `5.0.0`, or `5.4.7`
    /// (delivery time expired) for an expiry, whose category defaults to message-expired.
    public init(_ record: DeliveryRecord, context: DeliveryContext) {
        let type: AccountingRecordType
        let action: DSNAction
        var status = record.status
        var category = record.category
        switch record.outcome {
        case .delivered:
            (type, action) = (.delivered, .relayed)
            status = status ?? "2.0.0"
        case .deferred:
            (type, action) = (.transient, .delayed)
            status = status ?? "4.0.0"
        case .bounced, .deleted:
            (type, action) = (.bounced, .failed)
            status = status ?? "5.0.0"
        case .expired:
            (type, action) = (.bounced, .failed)
            status = status ?? "5.4.7"
            category = category ?? .messageExpired
        }
        let connected = context.remoteHost != nil || context.destinationIP != nil
        self.init(type: type, timeLogged: record.time, timeQueued: record.receivedAt,
                  orig: record.sender, rcpt: record.recipient, orcpt: context.originalRecipient,
                  dsnAction: action, dsnStatus: status, dsnDiag: record.diagnostic,
                  dsnMta: context.remoteHost, bounceCat: record.outcome == .delivered ? nil : category,
                  srcType: context.sourceType, srcMta: context.sourceMTA,
                  dlvType: connected ? "smtp" : nil, dlvSourceIp: context.sourceIP,
                  dlvDestinationIp: context.destinationIP,
                  dlvEsmtpAvailable: context.esmtpExtensions.isEmpty ? nil : context.esmtpExtensions.joined(separator: ","),
                  dlvSize: context.size, vmta: record.queue.vmta, jobId: record.jobID,
                  envId: context.envelopeID, queue: record.queue.description, vmtaPool: context.vmtaPool,
                  msgId: record.messageID, node: context.node, headers: context.headers)
    }

    /// The `r` record of one accepted recipient of `message`, logged at `time`.
    public static func received(time: Instant, message: Message, recipient: String,
                                context: DeliveryContext) -> AccountingRecord {
        AccountingRecord(type: .received, timeLogged: time, timeQueued: message.receivedAt,
                         orig: message.sender, rcpt: recipient, orcpt: context.originalRecipient,
                         srcType: context.sourceType, srcMta: context.sourceMTA,
                         dlvSize: message.size, vmta: message.vmta, jobId: message.jobID,
                         envId: context.envelopeID, vmtaPool: context.vmtaPool,
                         msgId: message.id, node: context.node, headers: context.headers)
    }
}
