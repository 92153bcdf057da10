import SluiceBase
import SluiceControlProtocol

/// An input to the reducer.
public enum ConsoleEvent: Sendable {
    /// A key press.
    case key(Key)
    /// A new snapshot arrived at the given instant.
    case snapshot(NodeSnapshot, at: Instant)
    /// New delivery events for the Diagnostics tail.
    case events([EventRecord])
    /// Time passed (once a second): ages and STALE are recomputed.
    case tick(Instant)
    /// The terminal changed size.
    case resize(width: Int, height: Int)
    /// A request finished with the control plane's message or an error.
    case requestFinished(OperatorRequest, Result<String, OperatorError>)
    /// The history's frame for `minute` arrived (nil: nothing recorded that early).
    case frameLoaded(minute: Int64, Result<HistoryFrame?, OperatorError>)
    /// A Detail target's minutes of the last 24 hours arrived.
    case seriesLoaded(kind: HistoryKind, name: String, Result<[HistoryPoint], OperatorError>)
    /// A reply rule's dry run arrived for `pattern`.
    case dryRunLoaded(pattern: String, Result<ReplyRuleDryRunResult, OperatorError>)
    /// Effective settings arrived for a domain or queue.
    case settingsLoaded(target: String, Result<SettingsSnapshot, OperatorError>)
    /// The data source lost the daemon (it keeps reconnecting by itself).
    case connectionLost(String)
    /// A fleet node's snapshot arrived at the given instant.
    case nodeSnapshot(node: String, NodeSnapshot, at: Instant)
    /// A fleet node stopped answering; its last figures are kept and shown as stale.
    case nodeLost(node: String, String)
}

/// An output of the reducer: I/O for the app loop to perform.
public enum ConsoleEffect: Hashable, Sendable {
    /// Send an operator request; its result comes back as ``ConsoleEvent/requestFinished(_:_:)``.
    case request(OperatorRequest)
    /// Fetch effective settings; they come back as ``ConsoleEvent/settingsLoaded(target:_:)``.
    case fetchSettings(target: String)
    /// Fetch the history's frame of a minute; it comes back as ``ConsoleEvent/frameLoaded(minute:_:)``.
    case fetchFrame(minute: Int64)
    /// Fetch a domain's or vmta's last 24 hours; they come back as ``ConsoleEvent/seriesLoaded(kind:name:_:)``.
    case fetchSeries(kind: HistoryKind, name: String)
    /// Run a reply rule's dry run; it comes back as ``ConsoleEvent/dryRunLoaded(pattern:_:)``.
    case dryRun(pattern: String)
    /// Leave the console.
    case quit
}
