import SluiceConfig
import SluiceCore

extension AccountingField {
    /// The field's text in `record`; nil when the record has no value. Times print as
    /// `2026-11-23 15:04:05+0000`, or with `isoTimes` as `2026-11-23T15:04:05Z` (always UTC).
    public func value(in record: AccountingRecord, isoTimes: Bool = false) -> String? {
        func time(_ instant: Instant) -> String {
            isoTimes ? CivilTime(instant).isoText : CivilTime(instant).accountingText
        }
        switch self {
        case .type: return record.type.rawValue
        case .timeLogged: return time(record.timeLogged)
        case .timeQueued: return record.timeQueued.map(time)
        case .orig: return record.orig
        case .rcpt: return record.rcpt
        case .orcpt: return record.orcpt
        case .dsnAction: return record.dsnAction?.rawValue
        case .dsnStatus: return record.dsnStatus
        case .dsnDiag: return record.dsnDiag
        case .dsnMta: return record.dsnMta
        case .bounceCat: return record.bounceCat?.rawValue
        case .srcType: return record.srcType?.rawValue
        case .srcMta: return record.srcMta
        case .dlvType: return record.dlvType
        case .dlvSourceIp: return record.dlvSourceIp
        case .dlvDestinationIp: return record.dlvDestinationIp
        case .dlvEsmtpAvailable: return record.dlvEsmtpAvailable
        case .dlvSize: return record.dlvSize.map(String.init)
        case .vmta: return record.vmta
        case .jobId: return record.jobId
        case .envId: return record.envId
        case .queue: return record.queue
        case .vmtaPool: return record.vmtaPool
        case .feedbackType: return record.feedbackType
        case .userAgent: return record.userAgent
        case .reportingMta: return record.reportingMta
        case .msgId: return record.msgId?.description
        case .node: return record.node
        }
    }
}
