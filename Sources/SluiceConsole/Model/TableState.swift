import SluiceConfig
import SluiceControlProtocol

extension ControlInfo: ControlTargetName {}

/// A sortable column of the Domains, Queues or VMTAs table.
public enum ColumnID: String, Hashable, Sendable, CaseIterable {
    /// Domain, queue or vmta name.
    case name
    /// Recipients queued.
    case queued
    /// Delivered per minute.
    case delivered
    /// Deferred per minute.
    case deferred
    /// Bounced per minute.
    case bounced
    /// Delivery connections refused with a reply (421 at the greeting or after EHLO) per minute.
    case refused
    /// Age of the oldest waiting recipient's message.
    case oldest
    /// Time to deliver what is queued at the current delivery rate.
    case drain
    /// Injection-to-final-outcome delay, median.
    case latencyP50 = "p50"
    /// Injection-to-final-outcome delay, 95th percentile.
    case latencyP95 = "p95"
    /// Injection-to-final-outcome delay, 99th percentile.
    case latencyP99 = "p99"
    /// Complaints per 1,000 delivered over the last hour.
    case complaintsHour = "complaints-1h"
    /// Complaints per 1,000 delivered over the last 24 hours.
    case complaintsDay = "complaints-24h"
    /// Open connections.
    case connections
    /// Effective rate limit.
    case rate
    /// normal/backoff.
    case mode
    /// HELD, PAUSED, BACKOFF.
    case state
    /// Why not faster.
    case why
    /// Last error reply.
    case lastError
    /// A vmta's source IP.
    case source
    /// A vmta's busiest domains.
    case busiest
    /// A vmta's warm-up progress: day n of m, today's count and cap, why it holds.
    case warmup
    /// The DNS blocklists listing a vmta's source address.
    case listings
    /// A job's share of its recipients that are final.
    case progress
    /// A job's complaints.
    case complained
    /// A job's recipients refused by the suppression list.
    case suppressed
    /// The fleet console's node of a row (shown, not sortable: `n` narrows to one node instead).
    case node

    /// The columns of a view, left to right.
    public static func columns(of view: ConsoleView) -> [ColumnID] {
        switch view {
        case .domains, .queues:
            [.name, .queued, .delivered, .deferred, .refused, .bounced, .complaintsHour, .complaintsDay, .oldest, .drain,
             .latencyP50, .latencyP95, .latencyP99, .connections, .rate, .mode, .state, .why, .lastError]
        case .vmtas:
            [.name, .source, .delivered, .deferred, .refused, .complaintsHour, .complaintsDay, .connections, .queued, .state, .listings, .busiest]
        case .jobs:
            [.name, .state, .progress, .queued, .delivered, .deferred, .bounced, .complained, .suppressed, .rate]
        case .diagnostics, .detail, .patterns: []
        }
    }

    /// True when larger values come first by default (figures), false for text (A→Z).
    public var descendingByDefault: Bool {
        switch self {
        case .queued, .delivered, .deferred, .refused, .bounced, .complaintsHour, .complaintsDay, .oldest, .drain, .latencyP50,
             .latencyP95, .latencyP99, .connections, .rate, .state, .progress, .complained, .suppressed: true
        default: false
        }
    }
}

/// The state word of a queue's figures: `HELD`, `PAUSED`, `BACKOFF`, or empty when sending normally.
public func stateLabel(_ f: QueueFigures) -> String {
    if f.held { return "HELD" }
    if f.paused { return "PAUSED" }
    if f.mode == QueueMode.backoff.rawValue { return "BACKOFF" }
    return ""
}

/// One table view's sort, filter, visible rows and selection.
public struct TableState: Hashable, Sendable {
    /// The sort column.
    public var sortColumn: ColumnID
    /// True for largest/last first.
    public var descending: Bool
    /// The filter text (empty: every row).
    public var filter: String = ""
    /// Indices into the snapshot's rows for this view, filtered and sorted.
    public var rows: [Int] = []
    /// The selected position in `rows`.
    public var selected: Int = 0
    /// The selected row's name, so the selection follows the row when the order changes.
    public var selectedName: String?
    /// The first visible position in `rows`.
    public var scroll: Int = 0

    /// Creates a table state sorted by `column`.
    public init(sortColumn: ColumnID) {
        self.sortColumn = sortColumn
        descending = sortColumn.descendingByDefault
    }
}

/// A snapshot row with a name and queue figures (domain and queue rows).
protocol FigureRow {
    var name: String { get }
    var figures: QueueFigures { get }
}

extension DomainRow: FigureRow {}
extension QueueRow: FigureRow {}

/// Sorting and filtering rows of a snapshot: pure functions of the snapshot and the table state.
enum TableRows {
    /// Recomputes `table.rows` for `view` from `snapshot`, keeping the selection on the same name.
    static func refresh(_ table: inout TableState, view: ConsoleView, snapshot: NodeSnapshot?, rowNodes: FleetRowNodes? = nil,
                        pageSize: Int) {
        guard let snapshot else { table.rows = []; table.selected = 0; table.scroll = 0; return }
        let filter = table.filter.lowercased()
        switch view {
        case .domains:
            table.rows = sortedIndices(snapshot.domains, filter: filter, table: table)
        case .queues:
            table.rows = sortedIndices(snapshot.queues, filter: filter, table: table)
        case .vmtas:
            table.rows = vmtaIndices(snapshot.vmtas, filter: filter, table: table)
        case .jobs:
            table.rows = jobIndices(snapshot.jobs, filter: filter, table: table)
        case .diagnostics, .detail, .patterns:
            return
        }
        if let name = table.selectedName,
           let pos = table.rows.firstIndex(where: { self.name(of: $0, view: view, snapshot: snapshot, rowNodes: rowNodes) == name }) {
            table.selected = pos
        }
        clamp(&table, pageSize: pageSize)
        table.selectedName = table.rows.indices.contains(table.selected)
            ? name(of: table.rows[table.selected], view: view, snapshot: snapshot, rowNodes: rowNodes) : nil
    }

    /// Keeps the selection inside the rows and on screen.
    static func clamp(_ table: inout TableState, pageSize: Int) {
        table.selected = max(0, min(table.selected, table.rows.count - 1))
        let page = max(1, pageSize)
        if table.selected < table.scroll { table.scroll = table.selected }
        if table.selected >= table.scroll + page { table.scroll = table.selected - page + 1 }
        table.scroll = max(0, min(table.scroll, max(0, table.rows.count - page)))
    }

    /// The name of row `index` of `view`'s snapshot array; in the fleet console `NAME@NODE`, as
    /// the same name appears once per node.
    static func name(of index: Int, view: ConsoleView, snapshot: NodeSnapshot, rowNodes: FleetRowNodes? = nil) -> String? {
        let name: String? = switch view {
        case .domains: snapshot.domains.indices.contains(index) ? snapshot.domains[index].name : nil
        case .queues: snapshot.queues.indices.contains(index) ? snapshot.queues[index].name : nil
        case .vmtas: snapshot.vmtas.indices.contains(index) ? snapshot.vmtas[index].name : nil
        case .jobs: snapshot.jobs.indices.contains(index) ? snapshot.jobs[index].name : nil
        case .diagnostics, .detail, .patterns: nil
        }
        guard let name, let node = rowNodes?.node(of: index, in: view) else { return name }
        return "\(name)@\(node)"
    }

    private static func matches(_ name: String, _ f: QueueFigures, filter: String) -> Bool {
        filter.isEmpty || name.lowercased().contains(filter) || stateLabel(f).lowercased() == filter
    }

    private static func sortedIndices<Row: FigureRow>(_ rows: [Row], filter: String, table: TableState) -> [Int] {
        var idx = filter.isEmpty ? Array(rows.indices) : rows.indices.filter { matches(rows[$0].name, rows[$0].figures, filter: filter) }
        let col = table.sortColumn
        let desc = table.descending
        func key(_ f: QueueFigures) -> Double {
            switch col {
            case .queued: Double(f.queued)
            case .delivered: f.deliveredPerMin
            case .deferred: f.deferredPerMin
            case .bounced: f.bouncedPerMin
            case .refused: f.refusedPerMin
            case .oldest: f.oldestAgeS ?? -1
            // Mail queued with nothing delivered never drains: it sorts as the longest.
            case .drain: f.drainS ?? (f.queued > 0 ? .infinity : -1)
            case .latencyP50: f.latency?.quantile(0.5) ?? -1
            case .latencyP95: f.latency?.quantile(0.95) ?? -1
            case .latencyP99: f.latency?.quantile(0.99) ?? -1
            case .complaintsHour: f.complaints?.lastHour.perThousand ?? -1
            case .complaintsDay: f.complaints?.lastDay.perThousand ?? -1
            case .connections: Double(f.connections)
            case .rate: ((try? Rate(parsing: f.rateLimit))?.perSecond) ?? .infinity
            case .state: f.held ? 3 : f.paused ? 2 : f.mode == "backoff" ? 1 : 0
            default: 0
            }
        }
        func text(_ r: Row) -> String {
            switch col {
            case .mode: r.figures.mode
            case .why: r.figures.why
            case .lastError: r.figures.lastError
            default: r.name
            }
        }
        let numeric: Bool = [.queued, .delivered, .deferred, .refused, .bounced, .complaintsHour, .complaintsDay, .oldest, .drain,
                             .latencyP50, .latencyP95, .latencyP99, .connections, .rate, .state].contains(col)
        if numeric {
            let keys = rows.map { key($0.figures) }
            idx.sort { a, b in
                if keys[a] != keys[b] { return desc ? keys[a] > keys[b] : keys[a] < keys[b] }
                return rows[a].name != rows[b].name ? rows[a].name < rows[b].name : a < b
            }
        } else {
            idx.sort { a, b in
                let x = text(rows[a]), y = text(rows[b])
                if x != y { return desc ? x > y : x < y }
                return rows[a].name != rows[b].name ? rows[a].name < rows[b].name : a < b
            }
        }
        return idx
    }

    private static func vmtaIndices(_ rows: [VMTARow], filter: String, table: TableState) -> [Int] {
        var idx = rows.indices.filter { i in
            filter.isEmpty || rows[i].name.lowercased().contains(filter) || rows[i].source.contains(filter)
                || (filter == "paused" && rows[i].paused) || (filter == "listed" && !rows[i].listings.isEmpty)
        }
        let desc = table.descending
        func key(_ r: VMTARow) -> Double? {
            switch table.sortColumn {
            case .delivered: r.deliveredPerMin
            case .deferred: r.deferredPerMin
            case .refused: r.refusedPerMin
            case .connections: Double(r.connections)
            case .queued: Double(r.queued)
            case .state: r.paused ? 1 : 0
            case .complaintsHour: r.complaints?.lastHour.perThousand ?? -1
            case .complaintsDay: r.complaints?.lastDay.perThousand ?? -1
            default: nil
            }
        }
        func text(_ r: VMTARow) -> String {
            switch table.sortColumn {
            case .source: r.source
            case .busiest: r.busiestDomains.first ?? ""
            case .listings: r.listings.map(\.zone).joined(separator: ",")
            default: r.name
            }
        }
        idx.sort { a, b in
            if let x = key(rows[a]), let y = key(rows[b]), x != y { return desc ? x > y : x < y }
            let x = text(rows[a]), y = text(rows[b])
            if x != y { return desc ? x > y : x < y }
            return rows[a].name != rows[b].name ? rows[a].name < rows[b].name : a < b
        }
        return idx
    }

    /// The Jobs rows: filtered by name (or `paused`, `done`), sorted by the column; in the Jobs
    /// view `delivered`, `deferred` and `bounced` are totals and `rate` is delivered a minute.
    private static func jobIndices(_ rows: [JobRow], filter: String, table: TableState) -> [Int] {
        var idx = rows.indices.filter { i in
            filter.isEmpty || rows[i].name.lowercased().contains(filter)
                || (filter == "paused" && rows[i].paused) || (filter == "done" && rows[i].queued == 0)
        }
        let desc = table.descending
        func key(_ r: JobRow) -> Double? {
            switch table.sortColumn {
            case .queued: Double(r.queued)
            case .delivered: Double(r.delivered)
            case .deferred: Double(r.deferred)
            case .bounced: Double(r.bounced)
            case .complained: Double(r.complained)
            case .suppressed: Double(r.suppressed)
            case .progress: r.progress
            case .rate: r.deliveredPerMin
            case .state: r.paused ? 1 : 0
            default: nil
            }
        }
        let byName = key(rows.first ?? JobRow.empty) == nil
        idx.sort { a, b in
            if let x = key(rows[a]), let y = key(rows[b]), x != y { return desc ? x > y : x < y }
            let x = rows[a].name, y = rows[b].name
            if x != y { return byName && desc ? x > y : x < y }
            return a < b
        }
        return idx
    }
}

extension JobRow {
    /// A row with nothing in it (to ask a sort key whether it is numeric).
    static let empty = JobRow(name: "", queued: 0, delivered: 0, deferred: 0, bounced: 0, deleted: 0, complained: 0,
                              suppressed: 0, progress: 0, deliveredPerMin: 0, paused: false, pausedBy: nil, firstSeen: 0,
                              lastActivity: 0)
}
