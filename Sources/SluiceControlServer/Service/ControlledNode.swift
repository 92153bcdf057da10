import SluiceControlProtocol
import SluiceCore

/// The who, why and until-when of one mutating command, as the node records it with the control
/// it creates.
public struct CommandContext: Codable, Hashable, Sendable {
    /// Who asked.
    public var actor: ControlActor
    /// Why, never empty (the command layer fills in the client's default).
    public var reason: String
    /// Unix time (seconds) the command was accepted.
    public var issuedAt: Double
    /// Unix time (seconds) the control lapses, or nil for never.
    public var expiresAt: Double?

    /// Creates a context.
    public init(actor: ControlActor, reason: String, issuedAt: Double, expiresAt: Double?) {
        self.actor = actor
        self.reason = reason
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case actor, reason
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
    }
}

/// What the control plane needs from a running node. The daemon implements it over the engine;
/// tests implement it with a small fake.
///
/// Every method is called from the control plane's tasks, never from the delivery path, and may
/// suspend. Errors thrown as ``ControlError`` reach the client as they are (e.g. `unknown-queue`);
/// any other error becomes an `internal` error.
public protocol ControlledNode: Sendable {
    /// The current figures (called once per subscriber interval and per query).
    func snapshot() async -> NodeSnapshot
    /// The effective settings of a domain or queue with origins, live and persisted overrides
    /// included. Throws ``ControlError`` `unknown-queue` for a target the node does not know.
    func settings(for target: ControlTarget) async throws -> SettingsSnapshot
    /// The most recent events passing `filter`, oldest first, at most `filter.limit`.
    func recentEvents(matching filter: EventFilter) async -> [EventRecord]
    /// Performs an already validated command and records `context` with any control it creates; a
    /// `--persist` throttle is also written to the node's override file.
    func execute(_ command: ControlCommand, context: CommandContext) async throws -> CommandOutcome
    /// Recipients bounced since start per bounce category (`bad-mailbox`: 12, …), for `/metrics`.
    func bouncesByCategory() async -> [String: Int]
    /// What a reply rule with `pattern` would have matched among the node's recorded replies of
    /// the last hour. Throws ``ControlError`` `bad-setting` for a pattern that does not compile.
    func replyRuleDryRun(pattern: String) async throws -> ReplyRuleDryRunResult
    /// The history's frame of `minute` (minutes since the Unix epoch) or of the latest minute
    /// before it; nil before the first.
    func historyFrame(atOrBefore minute: Int64) async -> HistoryFrame?
    /// A domain's, vmta's or job's row for each minute of the last 24 hours, oldest first.
    func historySeries(_ kind: HistoryKind, _ name: String) async -> [HistoryPoint]
}

extension ControlledNode {
    /// No per-category figures.
    public func bouncesByCategory() async -> [String: Int] { [:] }
}
