import SluiceControlProtocol

/// What a data source reports.
public enum ConsoleFeed: Sendable {
    /// A new node snapshot (about once a second).
    case snapshot(NodeSnapshot)
    /// New delivery events for the Diagnostics tail.
    case events([EventRecord])
    /// The daemon stopped answering; the source keeps trying to reconnect and sends snapshots again when it can.
    case disconnected(String)
    /// What one node of a fleet reports (``FleetDataSource``).
    indirect case node(String, ConsoleFeed)
}

/// Where the console gets its data and sends its actions: the control-plane client implements it
/// (over the Unix socket, or in-process for the demo); tests use a fake.
public protocol ConsoleDataSource: Sendable {
    /// Snapshots, events and connection problems, in order, for as long as the console runs.
    func feed() -> AsyncStream<ConsoleFeed>
    /// Performs an operator request; the success value is the control plane's one-line answer.
    func perform(_ request: OperatorRequest) async -> Result<String, OperatorError>
    /// The effective settings of a domain or queue (`domain/vmta`), with origins.
    func settings(for target: String) async -> Result<SettingsSnapshot, OperatorError>
    /// The history's frame of `minute` (minutes since the Unix epoch) or of the latest before it.
    func historyFrame(minute: Int64) async -> Result<HistoryFrame?, OperatorError>
    /// A domain's or vmta's minutes of the last 24 hours.
    func historySeries(kind: HistoryKind, name: String) async -> Result<[HistoryPoint], OperatorError>
    /// What a reply rule with `pattern` would have matched in the last hour (a dry run).
    func dryRun(pattern: String) async -> Result<ReplyRuleDryRunResult, OperatorError>
    /// The names of the nodes when the source is a fleet (``FleetDataSource``), nil for one node.
    var fleetNodes: [String]? { get }
}

extension ConsoleDataSource {
    /// One node.
    public var fleetNodes: [String]? { nil }
}
