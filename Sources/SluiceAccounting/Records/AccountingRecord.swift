import SluiceConfig
import SluiceCore

/// The DSN action PowerMTA writes in the `dsnAction` field (RFC 3464 §2.3.3).
public enum DSNAction: String, Hashable, Sendable, CaseIterable {
    /// Final delivery by the reporting MTA itself.
    case delivered
    /// Handed to another MTA over SMTP: what PowerMTA writes for a `d` record.
    case relayed
    /// Permanently failed: `b` records.
    case failed
    /// Transiently failed, still queued: `t` and `tq` records.
    case delayed
}

/// Where a message came from (`srcType`).
public enum SourceType: String, Hashable, Sendable {
    /// Injected over SMTP.
    case smtp
    /// Injected through an API.
    case api
}

/// One row of an accounting file: a record of type d, b, t, tq, f, r, rb or rs with PowerMTA's fields.
///
/// Properties carry PowerMTA's field names (see ``AccountingField``); nil prints as an empty field.
/// Build delivery records with ``init(_:context:)`` and receipts with ``received(time:message:recipient:context:)``;
/// other kinds (tq, f, rb, rs) with the memberwise initialiser.
public struct AccountingRecord: Hashable, Sendable {
    /// The record type (`type`).
    public var type: AccountingRecordType
    /// When the record was logged (`timeLogged`).
    public var timeLogged: Instant
    /// When the message was received (`timeQueued`).
    public var timeQueued: Instant?
    /// The envelope sender (`orig`); empty for the null sender.
    public var orig: String?
    /// The recipient (`rcpt`).
    public var rcpt: String?
    /// The original recipient from `RCPT TO:… ORCPT=` (`orcpt`).
    public var orcpt: String?
    /// The DSN action (`dsnAction`).
    public var dsnAction: DSNAction?
    /// The enhanced status code, e.g. `5.1.1` (`dsnStatus`).
    public var dsnStatus: String?
    /// The remote reply or the reason (`dsnDiag`).
    public var dsnDiag: String?
    /// The remote MTA's host name (`dsnMta`).
    public var dsnMta: String?
    /// The bounce category (`bounceCat`).
    public var bounceCat: BounceCategory?
    /// How the message came in (`srcType`).
    public var srcType: SourceType?
    /// The injecting MTA's HELO/EHLO name (`srcMta`).
    public var srcMta: String?
    /// The delivery method, `smtp` (`dlvType`).
    public var dlvType: String?
    /// The local address the delivery connection used (`dlvSourceIp`).
    public var dlvSourceIp: String?
    /// The remote address delivered to (`dlvDestinationIp`).
    public var dlvDestinationIp: String?
    /// The ESMTP extensions the remote server announced, comma-separated (`dlvEsmtpAvailable`).
    public var dlvEsmtpAvailable: String?
    /// The message size in bytes (`dlvSize`).
    public var dlvSize: Int?
    /// The virtual MTA (`vmta`).
    public var vmta: String?
    /// The job id (`jobId`).
    public var jobId: String?
    /// The envelope id from `MAIL FROM:… ENVID=` (`envId`).
    public var envId: String?
    /// The queue, `domain/vmta` (`queue`).
    public var queue: String?
    /// The virtual MTA pool the message was injected to (`vmtaPool`).
    public var vmtaPool: String?
    /// For `f` records: the ARF feedback type, e.g. `abuse` (`feedbackType`).
    public var feedbackType: String?
    /// For `f` records: the reporting software (`userAgent`).
    public var userAgent: String?
    /// For `f`, `rb` and `rs` records: the MTA that generated the report (`reportingMta`).
    public var reportingMta: String?
    /// Sluice's message id (`msgId`, a Sluice extension).
    public var msgId: MessageID?
    /// The node's `host-name` (`node`, a Sluice extension).
    public var node: String?
    /// Values of the message's headers for `header_NAME` columns, by lowercased name (the
    /// first header of each name, unfolded).
    public var headers: [String: String] = [:]

    /// Creates a record; every field but the type and time is optional.
    public init(type: AccountingRecordType, timeLogged: Instant, timeQueued: Instant? = nil,
                orig: String? = nil, rcpt: String? = nil, orcpt: String? = nil,
                dsnAction: DSNAction? = nil, dsnStatus: String? = nil, dsnDiag: String? = nil,
                dsnMta: String? = nil, bounceCat: BounceCategory? = nil,
                srcType: SourceType? = nil, srcMta: String? = nil,
                dlvType: String? = nil, dlvSourceIp: String? = nil, dlvDestinationIp: String? = nil,
                dlvEsmtpAvailable: String? = nil, dlvSize: Int? = nil,
                vmta: String? = nil, jobId: String? = nil, envId: String? = nil,
                queue: String? = nil, vmtaPool: String? = nil,
                feedbackType: String? = nil, userAgent: String? = nil, reportingMta: String? = nil,
                msgId: MessageID? = nil, node: String? = nil, headers: [String: String] = [:]) {
        self.type = type
        self.timeLogged = timeLogged
        self.timeQueued = timeQueued
        self.orig = orig
        self.rcpt = rcpt
        self.orcpt = orcpt
        self.dsnAction = dsnAction
        self.dsnStatus = dsnStatus
        self.dsnDiag = dsnDiag
        self.dsnMta = dsnMta
        self.bounceCat = bounceCat
        self.srcType = srcType
        self.srcMta = srcMta
        self.dlvType = dlvType
        self.dlvSourceIp = dlvSourceIp
        self.dlvDestinationIp = dlvDestinationIp
        self.dlvEsmtpAvailable = dlvEsmtpAvailable
        self.dlvSize = dlvSize
        self.vmta = vmta
        self.jobId = jobId
        self.envId = envId
        self.queue = queue
        self.vmtaPool = vmtaPool
        self.feedbackType = feedbackType
        self.userAgent = userAgent
        self.reportingMta = reportingMta
        self.msgId = msgId
        self.node = node
        self.headers = headers
    }
}
