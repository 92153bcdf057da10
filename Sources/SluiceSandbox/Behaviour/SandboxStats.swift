/// One receiver's counters since it started, for the demo's summary and the sandbox's log.
///
/// Refusals are counted per reply: a recipient refused at RCPT counts once, a message refused at
/// MAIL FROM or after DATA counts once, a connection refused at the greeting counts once.
public struct SandboxStats: Hashable, Sendable, CustomStringConvertible {
    /// Connections opened.
    public var connections = 0
    /// Messages accepted (end of DATA answered 250).
    public var messagesAccepted = 0
    /// Recipients of the accepted messages.
    public var recipientsAccepted = 0
    /// Bytes of the accepted messages.
    public var bytesAccepted = 0
    /// 4xx replies by reason.
    public var deferred: [SandboxReason: Int] = [:]
    /// 5xx replies by reason.
    public var rejected: [SandboxReason: Int] = [:]

    /// Empty counters.
    public init() {}

    /// All 4xx replies.
    public var totalDeferred: Int { deferred.values.reduce(0, +) }
    /// All 5xx replies.
    public var totalRejected: Int { rejected.values.reduce(0, +) }

    mutating func record(_ outcome: SandboxOutcome?) {
        switch outcome {
        case .deferred(let reason): deferred[reason, default: 0] += 1
        case .rejected(let reason): rejected[reason, default: 0] += 1
        case .accepted, nil: break
        }
    }

    /// `connections=12 accepted=340 deferred=25 (rate-limit=20 greylist=5) rejected=9 (unknown-user=9)`.
    public var description: String {
        func breakdown(_ counts: [SandboxReason: Int]) -> String {
            guard !counts.isEmpty else { return "" }
            return " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"
        }
        return "connections=\(connections) accepted=\(messagesAccepted) deferred=\(totalDeferred)\(breakdown(deferred))"
            + " rejected=\(totalRejected)\(breakdown(rejected))"
    }
}
