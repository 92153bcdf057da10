/// What a key press means to the console, independent of which key triggered it.
public enum ConsoleAction: String, Hashable, Sendable, CaseIterable {
    /// Show the Domains view.
    case showDomains
    /// Show the Queues view.
    case showQueues
    /// Show the VMTAs view.
    case showVMTAs
    /// Show the Diagnostics tail.
    case showDiagnostics
    /// Show the Detail view of the selected row.
    case showDetail
    /// Show the Patterns view.
    case showPatterns
    /// Show the Jobs view.
    case showJobs
    /// Select the domain of the newest deferral incident in the Domains view.
    case jumpToIncident
    /// One minute back through the last 24 hours (read-only).
    case stepBack
    /// One minute forward; past the newest minute, live again.
    case stepForward
    /// Open the `:` command line.
    case commandLine
    /// Type-ahead: jump to a row by the start of its name.
    case quickJump
    /// In the throttle editor: focus the TTL field.
    case focusTTL
    /// Next view.
    case nextView
    /// Previous view.
    case previousView
    /// Toggle the help overlay.
    case help
    /// Leave the console.
    case quit
    /// Selection up one row.
    case moveUp
    /// Selection down one row.
    case moveDown
    /// Selection up one page.
    case pageUp
    /// Selection down one page.
    case pageDown
    /// First row.
    case moveTop
    /// Last row.
    case moveBottom
    /// Sort by the column to the left.
    case sortLeft
    /// Sort by the column to the right.
    case sortRight
    /// Invert the sort order.
    case invertSort
    /// Type a filter.
    case filter
    /// Clear the filter, or leave the Detail view.
    case back
    /// Freeze or unfreeze the Diagnostics tail.
    case freeze
    /// Hold or release the selected domain.
    case hold
    /// Pause or resume the selected vmta, queue or job.
    case pause
    /// Edit the selected domain's or queue's throttles.
    case editThrottles
    /// Toggle backoff mode of the selected domain or queue.
    case toggleBackoff
    /// Retry the selected domain or queue now.
    case schedule
    /// Delete the selected domain's, queue's or job's recipients.
    case deleteQueue
    /// Turn the selected reply template into a reply rule, after a dry run (Patterns view).
    case replyRule
    /// Cancel the selected active control (Detail view).
    case undo
    /// Fleet console: narrow the tables and totals to the next node, then back to the whole fleet.
    case nextNode
}

/// Where a binding applies.
public enum BindingContext: Hashable, Sendable {
    /// Every view.
    case global
    /// Only these views.
    case views(Set<ConsoleView>)

    /// True when the binding applies in `view`.
    public func contains(_ view: ConsoleView) -> Bool {
        switch self {
        case .global: true
        case .views(let set): set.contains(view)
        }
    }
}

/// One key binding: the keys, where it applies, what it does and how the function bar and the
/// help overlay describe it.
public struct Binding: Hashable, Sendable {
    /// The keys that trigger it; the first is the one shown.
    public var keys: [Key]
    /// Where it applies.
    public var context: BindingContext
    /// The action.
    public var action: ConsoleAction
    /// The short function-bar label, or nil to leave it out of the bar.
    public var label: String?
    /// The help text.
    public var help: String
    /// True for actions that change the MTA; hidden and refused under `--read-only`.
    public var changesMTA: Bool
    /// True for bindings of the fleet console only (`sluice console --fleet`): hidden in the
    /// function bar and the help of the one-node console.
    public var fleetOnly: Bool

    /// Creates a binding.
    public init(_ keys: [Key], _ context: BindingContext, _ action: ConsoleAction, label: String? = nil,
                help: String, changesMTA: Bool = false, fleetOnly: Bool = false) {
        self.fleetOnly = fleetOnly
        self.keys = keys
        self.context = context
        self.action = action
        self.label = label
        self.help = help
        self.changesMTA = changesMTA
    }
}

/// The one binding table: key handling, the function bar and the `?` help are all derived from it.
public enum BindingTable {
    private static let rowViews: BindingContext = .views([.domains, .queues, .vmtas, .diagnostics, .detail, .patterns])
    private static let tables: BindingContext = .views([.domains, .queues, .vmtas, .jobs])
    private static let targets: BindingContext = .views([.domains, .queues, .diagnostics, .detail, .patterns])

    /// Every binding, in help order.
    public static let all: [Binding] = [
        Binding([.function(1), .char("?")], .global, .help, label: "Help", help: "show or hide this help"),
        Binding([.char("1")], .global, .showDomains, help: "Domains view"),
        Binding([.char("2")], .global, .showQueues, help: "Queues view (domain/vmta)"),
        Binding([.char("3")], .global, .showVMTAs, help: "VMTAs view (sending IPs)"),
        Binding([.char("4")], .global, .showDiagnostics, help: "Diagnostics: live dsnDiag tail"),
        Binding([.char("5")], .global, .showDetail, help: "Detail of the selected row"),
        Binding([.char("6")], .global, .showPatterns, help: "Patterns: deferral and bounce reply templates of the last hour"),
        Binding([.char("7")], .global, .showJobs, help: "Jobs: progress of each job (X-Job) across every queue"),
        Binding([.char("[")], .global, .stepBack, help: "step back one minute through the last 24 hours (read-only)"),
        Binding([.char("]")], .global, .stepForward, help: "step forward one minute; past the newest, live again"),
        Binding([.char("!")], .global, .jumpToIncident,
                help: "select the domain of the newest deferral incident (Domains view)"),
        Binding([.char(":")], .global, .commandLine, label: "Cmd",
                help: "command line: hold, release, pause, resume, throttle, backoff, normal, schedule (Tab completes)"),
        Binding([.char("'")], tables, .quickJump, help: "jump to a row by the start of its name (type-ahead)"),
        Binding([.ctrl("t")], .global, .focusTTL, help: "throttle editor: jump to the TTL field"),
        Binding([.tab], .global, .nextView, help: "next view"),
        Binding([.backTab], .global, .previousView, help: "previous view"),
        Binding([.up, .char("k")], .global, .moveUp, help: "select the row above"),
        Binding([.down, .char("j")], .global, .moveDown, help: "select the row below"),
        Binding([.pageUp, .ctrl("b")], .global, .pageUp, help: "one page up (Detail: scroll settings)"),
        Binding([.pageDown, .ctrl("f")], .global, .pageDown, help: "one page down (Detail: scroll settings)"),
        Binding([.home, .char("g")], .global, .moveTop, help: "first row"),
        Binding([.end, .char("G")], .global, .moveBottom, help: "last row"),
        Binding([.char("<")], tables, .sortLeft, help: "sort by the column to the left"),
        Binding([.char(">")], tables, .sortRight, label: "Sort", help: "sort by the column to the right"),
        Binding([.char("I")], tables, .invertSort, help: "invert the sort order"),
        Binding([.char("/")], .views([.domains, .queues, .vmtas, .jobs, .diagnostics]), .filter, label: "Filter",
                help: "filter rows (Jobs: name, paused, done; Diagnostics: text or regex, domain:X, cat:X, class:4xx)"),
        Binding([.escape], .global, .back, help: "back to live from the past; clear the filter; leave Detail"),
        Binding([.char(" ")], .views([.diagnostics]), .freeze, label: "Freeze", help: "freeze or resume the tail"),
        Binding([.enter], rowViews, .showDetail, label: "Detail", help: "open the selected row's Detail"),
        Binding([.char("h")], targets, .hold, label: "Hold", help: "hold or release the domain", changesMTA: true),
        Binding([.char("p")], .views([.domains, .queues, .vmtas, .jobs, .diagnostics, .detail]), .pause, label: "Pause",
                help: "pause/resume a vmta, queue or job (domain: its deferring queue)", changesMTA: true),
        Binding([.char("e")], targets, .editThrottles, label: "Edit", help: "edit throttles (with TTL, persist)", changesMTA: true),
        Binding([.char("b")], targets, .toggleBackoff, label: "Backoff", help: "switch backoff/normal mode", changesMTA: true),
        Binding([.char("s")], targets, .schedule, label: "Sched", help: "retry now", changesMTA: true),
        Binding([.char("D")], .views([.domains, .queues, .jobs, .diagnostics, .detail, .patterns]), .deleteQueue, label: "Del",
                help: "delete the queue's or job's recipients (typed confirmation)", changesMTA: true),
        Binding([.char("R")], .views([.patterns]), .replyRule, label: "Rule",
                help: "turn the template into a reply rule (mode=backoff, disable-source-ip=…, bounce-rcpt, bounce-queue); dry run first",
                changesMTA: true),
        Binding([.char("u")], .views([.detail]), .undo, label: "Undo", help: "cancel the selected active control", changesMTA: true),
        Binding([.char("n")], .views([.domains, .queues, .vmtas]), .nextNode, label: "Node",
                help: "fleet: show the next node only, then the whole fleet again", fleetOnly: true),
        Binding([.char("q"), .function(10), .ctrl("c")], .global, .quit, label: "Quit", help: "quit the console"),
    ]

    /// The binding `key` triggers in `view`, ignoring bindings that change the MTA when `readOnly`.
    public static func binding(for key: Key, in view: ConsoleView, readOnly: Bool) -> Binding? {
        all.first { $0.keys.contains(key) && $0.context.contains(view) && !(readOnly && $0.changesMTA) }
    }

    /// The bindings shown in the function bar of `view`, in table order (fleet-only ones only in the fleet console).
    public static func functionBar(for view: ConsoleView, readOnly: Bool, fleet: Bool = false) -> [Binding] {
        all.filter { $0.label != nil && $0.context.contains(view) && !(readOnly && $0.changesMTA) && (fleet || !$0.fleetOnly) }
    }

    /// The bindings listed in the help overlay (fleet-only ones only in the fleet console).
    public static func help(readOnly: Bool, fleet: Bool = false) -> [Binding] {
        all.filter { !(readOnly && $0.changesMTA) && (fleet || !$0.fleetOnly) }
    }
}
