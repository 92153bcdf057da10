import SluiceSandbox
import Synchronization

/// What a ``TrafficGenerator`` has done so far.
public struct GeneratorStats: Hashable, Sendable, CustomStringConvertible {
    /// Messages taken from the plan and sent (whatever the MTA answered).
    public var offered = 0
    /// Messages the MTA accepted for at least one recipient.
    public var accepted = 0
    /// Messages the MTA refused for every recipient (4xx or 5xx).
    public var refused = 0
    /// Messages not sent because no connection to the MTA could be opened.
    public var failed = 0
    /// Plan slots skipped because the MTA did not keep up (see ``SluiceSandbox/TrafficSpec/maximumLag``).
    public var skipped = 0
    /// Accepted messages per recipient domain.
    public var acceptedByDomain: [String: Int] = [:]
    /// Accepted recipients.
    public var recipientsAccepted = 0
    /// The last refusal or connection failure, for the operator.
    public var lastProblem: String?

    /// No traffic yet.
    public init() {}

    /// Counts `message` as offered, and as accepted when the MTA took it for
    /// `acceptedRecipients` > 0 recipients, else as refused with `problem` (the MTA's reply).
    public mutating func record(_ message: PlannedMessage, acceptedRecipients: Int, problem: String?) {
        offered += 1
        if acceptedRecipients > 0 {
            accepted += 1
            recipientsAccepted += acceptedRecipients
            acceptedByDomain[message.domain, default: 0] += 1
        } else {
            refused += 1
            lastProblem = problem
        }
    }

    /// `offered=400 accepted=398 refused=2 failed=0 skipped=0`.
    public var description: String {
        "offered=\(offered) accepted=\(accepted) refused=\(refused) failed=\(failed) skipped=\(skipped)"
    }
}

/// The generator's counters, updated by its connections.
final class TrafficCounters: Sendable {
    private let value = Mutex(GeneratorStats())

    var snapshot: GeneratorStats { value.withLock { $0 } }

    func update(_ change: (inout GeneratorStats) -> Void) {
        value.withLock { change(&$0) }
    }
}
