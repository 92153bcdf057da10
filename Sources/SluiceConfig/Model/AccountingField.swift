/// A column of an accounting file, named as PowerMTA names it. The case order is the column
/// order: PowerMTA's, with the feedback fields and Sluice's `msgId` and `node` at the end.
public enum AccountingField: String, Hashable, Sendable, CaseIterable {
    /// The record type: d, b, t, tq, f, r, rb or rs.
    case type
    /// When the record was logged.
    case timeLogged
    /// When the message was received.
    case timeQueued
    /// The envelope sender (MAIL FROM).
    case orig
    /// The recipient (RCPT TO).
    case rcpt
    /// The original recipient (ORCPT=).
    case orcpt
    /// relayed, failed, delayed or delivered.
    case dsnAction
    /// The enhanced status code.
    case dsnStatus
    /// The remote reply or the reason.
    case dsnDiag
    /// The remote MTA's host name.
    case dsnMta
    /// The bounce category.
    case bounceCat
    /// smtp or api.
    case srcType
    /// The injecting client's HELO name.
    case srcMta
    /// The delivery method (smtp).
    case dlvType
    /// The local address of the delivery connection.
    case dlvSourceIp
    /// The remote address of the delivery connection.
    case dlvDestinationIp
    /// The remote server's ESMTP extensions.
    case dlvEsmtpAvailable
    /// The message size in bytes.
    case dlvSize
    /// The virtual MTA.
    case vmta
    /// The job id.
    case jobId
    /// The envelope id (ENVID=).
    case envId
    /// The queue, domain/vmta.
    case queue
    /// The virtual MTA pool.
    case vmtaPool
    /// The ARF feedback type (f records).
    case feedbackType
    /// The feedback reporter's software (f records).
    case userAgent
    /// The MTA that generated the feedback report or the DSN (f, rb and rs records).
    case reportingMta
    /// Sluice's message id (a Sluice extension).
    case msgId
    /// The node's host-name (a Sluice extension).
    case node

    /// The field named `name` (PowerMTA's spelling, e.g. `timeLogged`; any case).
    public static func named(_ name: String) -> AccountingField? {
        let key = name.lowercased()
        return allCases.first { $0.rawValue.lowercased() == key }
    }

    /// The columns of a file holding `types`: the union of each type's fields, in column order.
    /// As in PowerMTA, a row leaves the columns of other record types empty.
    public static func columns(for types: Set<AccountingRecordType>) -> [AccountingField] {
        let wanted = types.reduce(into: Set<AccountingField>()) { $0.formUnion(fields(of: $1)) }
        return allCases.filter(wanted.contains)
    }

    /// The fields a record type carries.
    public static func fields(of type: AccountingRecordType) -> Set<AccountingField> {
        switch type {
        case .delivered, .bounced, .transient:
            return Set(allCases).subtracting([.feedbackType, .userAgent, .reportingMta])
        case .transientQueue:
            return [.type, .timeLogged, .dsnAction, .dsnStatus, .dsnDiag, .dsnMta, .bounceCat, .dlvType,
                    .dlvSourceIp, .dlvDestinationIp, .vmta, .queue, .vmtaPool, .node]
        case .received:
            return [.type, .timeLogged, .timeQueued, .orig, .rcpt, .orcpt, .srcType, .srcMta, .dlvSize,
                    .vmta, .jobId, .envId, .vmtaPool, .msgId, .node]
        case .feedback:
            return [.type, .timeLogged, .orig, .rcpt, .feedbackType, .userAgent, .reportingMta, .vmta,
                    .jobId, .msgId, .node]
        case .remoteBounce, .remoteStatus:
            // What an inbound DSN reports (its Reporting-MTA, action, status and diagnostic) and
            // what identifies the original message; the delivery connection is not known.
            return [.type, .timeLogged, .timeQueued, .orig, .rcpt, .orcpt, .dsnAction, .dsnStatus, .dsnDiag,
                    .dsnMta, .bounceCat, .srcType, .srcMta, .vmta, .jobId, .envId, .queue, .vmtaPool,
                    .reportingMta, .msgId, .node]
        }
    }
}
