import SluiceBase
import SluiceControlProtocol

/// A one-line message under the table: the outcome of the last action, or a hint.
public struct StatusMessage: Hashable, Sendable {
    /// How it is coloured.
    public enum Kind: Hashable, Sendable {
        /// Neutral.
        case info
        /// Success.
        case ok
        /// Failure or refusal.
        case error
    }
    /// The text.
    public var text: String
    /// Its kind.
    public var kind: Kind
    /// Creates a message.
    public init(_ text: String, _ kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

/// The reason prompt every action goes through: the request, and the reason being typed.
public struct ReasonPrompt: Hashable, Sendable {
    /// The request to send once confirmed (its reason is replaced by the field's text).
    public var request: OperatorRequest
    /// The reason, prefilled with the request's default.
    public var field: TextField
    /// Creates a prompt prefilled with the request's default reason.
    public init(request: OperatorRequest) {
        self.request = request
        field = TextField(request.defaultReason, prefilled: true)
    }
}

/// The `:` command line being typed: the text, and the candidates the last Tab found.
public struct CommandLineState: Hashable, Sendable {
    /// The text after the `:`.
    public var field = TextField()
    /// The candidates of the last Tab that did not complete to one (shown in the status line).
    public var candidates: [String] = []
    /// Creates an empty command line.
    public init() {}
}

/// The overlay that currently takes the keyboard.
public enum Modal: Hashable, Sendable {
    /// The `?` help.
    case help
    /// Typing a filter; `previous` is restored on Esc.
    case filter(TextField, previous: String)
    /// Typing a reason for an action.
    case prompt(ReasonPrompt)
    /// A form (throttle editor, delete confirmation).
    case form(FormState)
    /// The `:` command line.
    case command(CommandLineState)
    /// Type-ahead: the cursor jumps to the first row whose name starts with the text.
    case jump(TextField)
}

/// The Detail view's state.
public struct DetailState: Hashable, Sendable {
    /// What it shows.
    public var target: DetailTarget
    /// The effective settings, once fetched.
    public var settings: SettingsSnapshot?
    /// Why the settings could not be fetched.
    public var settingsError: String?
    /// The selected active control.
    public var selectedControl = 0
    /// The first effective setting shown (PgUp/PgDn scroll the list).
    public var settingsScroll = 0
    /// The view Esc returns to.
    public var returnView: ConsoleView
    /// The target's minutes of the last 24 hours (its domain's for a queue), once fetched.
    public var history: [HistoryPoint]?
    /// Creates the state.
    public init(target: DetailTarget, returnView: ConsoleView) {
        self.target = target
        self.returnView = returnView
    }
}

/// Everything the console knows: the last snapshot and the operator's UI state. A value, changed
/// only by ``ConsoleReducer``.
public struct ConsoleState: Hashable, Sendable {
    /// Seconds without a snapshot after which the header shows STALE.
    public static let staleAfterSeconds: Int64 = 5

    /// The current view.
    public var view: ConsoleView = .domains
    /// True under `--read-only`: actions are hidden and refused.
    public var readOnly: Bool
    /// Terminal columns.
    public var width: Int
    /// Terminal rows.
    public var height: Int
    /// The time of the last event.
    public var now: Instant
    /// The last snapshot.
    public var snapshot: NodeSnapshot?
    /// When it arrived.
    public var snapshotAt: Instant?
    /// Why the data source is not answering, while it is not.
    public var connectionProblem: String?
    /// The Domains table.
    public var domains = TableState(sortColumn: .queued)
    /// The Queues table.
    public var queues = TableState(sortColumn: .queued)
    /// The VMTAs table.
    public var vmtas = TableState(sortColumn: .delivered)
    /// The Jobs table.
    public var jobs = TableState(sortColumn: .queued)
    /// The Diagnostics tail.
    public var diagnostics = DiagnosticsState()
    /// The Patterns view.
    public var patterns = PatternsState()
    /// The Detail view, once opened.
    public var detail: DetailState?
    /// The overlay taking the keyboard.
    public var modal: Modal?
    /// The status line.
    public var status: StatusMessage?
    /// The past minute shown instead of the present (`[`, `]`), read-only; nil when live.
    public var past: PastView?
    /// The fleet console's nodes (`sluice console --fleet`); nil for one node. ``snapshot`` is then
    /// the merge of the nodes' snapshots.
    public var fleet: FleetState?

    /// Creates the initial state; `fleet` names the nodes of a fleet console.
    public init(width: Int, height: Int, now: Instant, readOnly: Bool = false, fleet: [String]? = nil) {
        self.width = width
        self.height = height
        self.now = now
        self.readOnly = readOnly
        self.fleet = fleet.map(FleetState.init(names:))
    }

    /// True when the last snapshot is older than ``staleAfterSeconds`` or the source reported a
    /// problem; in the fleet console, when every shown node is stale.
    public var isStale: Bool {
        if let fleet { return fleet.shownNodes.allSatisfy { $0.isStale(at: now) } }
        guard let at = snapshotAt else { return true }
        return connectionProblem != nil || (now - at).milliseconds > Self.staleAfterSeconds * 1000
    }

    /// The table of a table view.
    public func table(_ view: ConsoleView) -> TableState? {
        switch view {
        case .domains: domains
        case .queues: queues
        case .vmtas: vmtas
        case .jobs: jobs
        case .diagnostics, .detail, .patterns: nil
        }
    }

    /// Rows of the table area at the current size.
    public var pageSize: Int { Layout.tableRows(height: height) }
}

/// The screen's fixed layout: three header lines, the tab bar, the table, the status line and the
/// function bar.
public enum Layout {
    /// Header lines.
    public static let headerLines = 3
    /// First row of the view body (after header and tab bar).
    public static let bodyTop = headerLines + 1
    /// Rows available to a table's data (body minus its column title, the status line and the function bar).
    public static func tableRows(height: Int) -> Int { max(1, height - bodyTop - 3) }
    /// The smallest size the console draws; below it, a "terminal too small" notice.
    public static let minimumWidth = 60
    /// The smallest height.
    public static let minimumHeight = 12
}
