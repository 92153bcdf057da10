import SluiceConfig
import SluiceBase
import SluiceControlProtocol

/// The console's pure state machine: `(state, event) → (state, [effect])`. No I/O, no clock.
public enum ConsoleReducer {
    /// Applies `event` to `state` and returns the effects to perform.
    public static func reduce(_ state: inout ConsoleState, _ event: ConsoleEvent) -> [ConsoleEffect] {
        switch event {
        case .key(let key):
            return handle(key, &state)
        case .snapshot(let snapshot, let at):
            state.snapshotAt = at
            state.now = max(state.now, at)
            state.connectionProblem = nil
            if state.past != nil {
                // The past stays on screen; the present waits aside.
                state.past?.live = snapshot
                return []
            }
            state.snapshot = snapshot
            refreshTable(&state)
            clampDetail(&state)
            return []
        case .events(let events):
            state.diagnostics.append(events)
            return []
        case .tick(let now):
            state.now = now
            return []
        case .resize(let w, let h):
            state.width = max(1, w)
            state.height = max(1, h)
            refreshTable(&state)
            return []
        case .requestFinished(let request, let result):
            switch result {
            case .success(let message):
                state.status = StatusMessage("\(request.summary): " + (message.isEmpty ? "done" : message), .ok)
            case .failure(let error):
                state.status = StatusMessage("\(request.summary) failed: \(error.message)", .error)
            }
            if let detail = state.detail, detail.target.domain != nil { return [.fetchSettings(target: detail.target.name)] }
            return []
        case .settingsLoaded(let target, let result):
            if state.detail?.target.name == target {
                switch result {
                case .success(let s): state.detail?.settings = s; state.detail?.settingsError = nil
                case .failure(let e): state.detail?.settingsError = e.message
                }
            }
            if case .form(var form) = state.modal, case .throttle(let t) = form.purpose, t == target {
                switch result {
                case .success(let s): form.load(s)
                case .failure(let e): form.loading = false; form.submitError = "current settings unavailable: \(e.message)"
                }
                state.modal = .form(form)
            }
            return []
        case .frameLoaded(let minute, let result):
            guard let past = state.past, past.minute == minute else { return [] }
            switch result {
            case .success(let frame?):
                state.past?.frame = frame
                state.snapshot = .past(frame, live: past.live)
                // The fleet console's past is its first node's: its rows name no node.
                if state.fleet != nil { state.fleet?.rowNodes = FleetRowNodes() }
                state.status = frame.minute == minute ? StatusMessage("viewing \(past.clock), read-only: [ ] step, Esc returns to live", .info)
                    : StatusMessage("nothing recorded at \(past.clock): showing \(frame.clock)", .info)
            case .success(nil):
                state.status = StatusMessage("no history at \(past.clock): the history starts later", .error)
            case .failure(let e):
                state.status = StatusMessage("history at \(past.clock) unavailable: \(e.message)", .error)
            }
            refreshTable(&state)
            return []
        case .seriesLoaded(let kind, let name, let result):
            guard let target = state.detail?.target, Self.historyTarget(of: target) == (kind, name) else { return [] }
            if case .success(let points) = result { state.detail?.history = points }
            return []
        case .dryRunLoaded(let pattern, let result):
            guard case .form(var form) = state.modal, case .replyRule = form.purpose, form.pattern == pattern else { return [] }
            form.loading = false
            switch result {
            case .success(let run): form.dryRun = run; form.submitError = nil
            case .failure(let e): form.submitError = "dry run failed: \(e.message)"
            }
            state.modal = .form(form)
            return []
        case .connectionLost(let reason):
            state.connectionProblem = reason
            return []
        case .nodeSnapshot(let node, let snapshot, let at):
            guard let i = state.fleet?.nodes.firstIndex(where: { $0.name == node }) else { return [] }
            state.fleet?.nodes[i].snapshot = snapshot
            state.fleet?.nodes[i].snapshotAt = at
            state.fleet?.nodes[i].problem = nil
            state.now = max(state.now, at)
            remerge(&state)
            return []
        case .nodeLost(let node, let reason):
            guard let i = state.fleet?.nodes.firstIndex(where: { $0.name == node }) else { return [] }
            state.fleet?.nodes[i].problem = reason
            remerge(&state)
            return []
        }
    }

    /// Rebuilds the merged snapshot of a fleet console from its nodes (all, or the drill-down's one).
    private static func remerge(_ state: inout ConsoleState) {
        guard let fleet = state.fleet else { return }
        let shown = fleet.shownNodes
        if state.past != nil {
            // The past stays on screen; the merged present waits aside.
            state.past?.live = FleetMerge.merge(shown)?.0
        } else if let (merged, rows) = FleetMerge.merge(shown) {
            state.snapshot = merged
            state.fleet?.rowNodes = rows
        } else {
            state.snapshot = nil
            state.fleet?.rowNodes = FleetRowNodes()
        }
        state.snapshotAt = shown.compactMap(\.snapshotAt).max()
        let problems = shown.compactMap { node in node.problem.map { "\(node.name): \($0)" } }
        state.connectionProblem = !shown.isEmpty && problems.count == shown.count ? problems.joined(separator: "; ") : nil
        refreshTable(&state)
        clampDetail(&state)
    }

    // MARK: - Keys

    private static func handle(_ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        if let modal = state.modal { return handleModal(modal, key, &state) }
        guard let binding = BindingTable.binding(for: key, in: state.view, readOnly: state.readOnly) else {
            if state.readOnly, BindingTable.binding(for: key, in: state.view, readOnly: false)?.changesMTA == true {
                state.status = StatusMessage("read-only console: actions are disabled", .error)
            } else if let elsewhere = BindingTable.all.first(where: { $0.keys.contains(key) && !(state.readOnly && $0.changesMTA) }) {
                let name = elsewhere.label.map { " (\($0))" } ?? ""
                state.status = StatusMessage("\(key.label(.ascii))\(name) is not available in the \(state.view.title) view", .info)
            }
            return []
        }
        return perform(binding.action, &state)
    }

    /// Performs a bound action (what a key bound to it does).
    public static func perform(_ action: ConsoleAction, _ state: inout ConsoleState) -> [ConsoleEffect] {
        if state.readOnly, BindingTable.all.contains(where: { $0.action == action && $0.changesMTA }) {
            state.status = StatusMessage("read-only console: actions are disabled", .error)
            return []
        }
        if let past = state.past, BindingTable.all.contains(where: { $0.action == action && $0.changesMTA }) {
            state.status = StatusMessage("viewing \(past.clock) (read-only): ] steps forward, Esc returns to live", .error)
            return []
        }
        switch action {
        case .showDomains: switchView(to: .domains, &state)
        case .showQueues: switchView(to: .queues, &state)
        case .showVMTAs: switchView(to: .vmtas, &state)
        case .showDiagnostics: switchView(to: .diagnostics, &state)
        case .showDetail: return openDetail(&state)
        case .showPatterns: switchView(to: .patterns, &state)
        case .showJobs: switchView(to: .jobs, &state)
        case .stepBack: return stepThroughHistory(by: -1, &state)
        case .stepForward: return stepThroughHistory(by: 1, &state)
        case .jumpToIncident: jumpToIncident(&state)
        case .commandLine: state.modal = .command(CommandLineState())
        case .quickJump: state.modal = .jump(TextField())
        case .focusTTL:
            state.status = StatusMessage("\(Key.ctrl("t").label(.ascii)) jumps to the TTL field of the throttle editor (e)", .info)
        case .nextView: cycleView(by: 1, &state)
        case .previousView: cycleView(by: -1, &state)
        case .help: state.modal = .help
        case .quit: return [.quit]
        case .moveUp: move(by: -1, &state)
        case .moveDown: move(by: 1, &state)
        case .pageUp:
            if state.view == .detail { scrollSettings(by: -state.pageSize / 2, &state) } else { move(by: -state.pageSize, &state) }
        case .pageDown:
            if state.view == .detail { scrollSettings(by: state.pageSize / 2, &state) } else { move(by: state.pageSize, &state) }
        case .moveTop: move(by: Int.min / 2, &state)
        case .moveBottom: move(by: Int.max / 2, &state)
        case .sortLeft: shiftSort(by: -1, &state)
        case .sortRight: shiftSort(by: 1, &state)
        case .invertSort:
            updateTable(&state) { $0.descending.toggle() }
        case .filter:
            let current = state.view == .diagnostics ? state.diagnostics.filter : state.table(state.view)?.filter ?? ""
            state.modal = .filter(TextField(current), previous: current)
        case .back where state.past != nil:
            leavePast(&state)
        case .back:
            if state.view == .detail {
                state.view = state.detail?.returnView ?? .domains
                refreshTable(&state)
            } else {
                setFilter("", &state)
            }
        case .freeze:
            if state.diagnostics.frozenAt == nil {
                state.diagnostics.frozenAt = state.diagnostics.received
                state.status = StatusMessage("tail frozen (space resumes)", .info)
            } else {
                state.diagnostics.frozenAt = nil
                state.diagnostics.selected = 0
                state.status = StatusMessage("tail resumed", .info)
            }
        case .hold: holdOrRelease(&state)
        case .pause: pauseOrResume(&state)
        case .editThrottles:
            guard let target = selectedTarget(state), target.domain != nil else {
                state.status = StatusMessage("e edits a domain or queue: select one", .error)
                return []
            }
            state.modal = .form(.throttle(target: target.name))
            return [.fetchSettings(target: target.name)]
        case .toggleBackoff:
            guard let target = selectedTarget(state), target.domain != nil else {
                state.status = StatusMessage("b switches a domain or queue: select one", .error)
                return []
            }
            let inBackoff = figures(of: target, in: state)?.mode == QueueMode.backoff.rawValue
            ask(.setMode(target: target.name, mode: inBackoff ? .normal : .backoff, reason: ""), &state)
        case .schedule:
            guard let target = selectedTarget(state), target.domain != nil else {
                state.status = StatusMessage("s schedules a domain or queue: select one", .error)
                return []
            }
            ask(.schedule(target: target.name, reason: ""), &state)
        case .deleteQueue where state.view == .jobs:
            guard let job = selectedJob(state) else {
                state.status = StatusMessage("D deletes a job's queued recipients: select one", .error)
                return []
            }
            state.modal = .form(.delete(job: job.name))
        case .deleteQueue:
            guard let target = selectedTarget(state), target.domain != nil else {
                state.status = StatusMessage("D deletes a domain's or queue's recipients: select one", .error)
                return []
            }
            state.modal = .form(.delete(target: target.name))
        case .replyRule:
            let rows = state.snapshot?.patterns ?? []
            guard state.view == .patterns, rows.indices.contains(state.patterns.selected) else {
                state.status = StatusMessage("R turns the selected template of the Patterns view (6) into a reply rule", .info)
                return []
            }
            let row = rows[state.patterns.selected]
            let form = FormState.replyRule(template: row.template, target: row.domains.first?.name ?? "")
            state.modal = .form(form)
            return form.pattern.map { [.dryRun(pattern: $0)] } ?? []
        case .nextNode:
            guard let fleet = state.fleet else {
                state.status = StatusMessage("n steps through the nodes of `sluice console --fleet`", .info)
                return []
            }
            state.fleet?.focus = fleet.nextFocus
            remerge(&state)
            state.status = StatusMessage(state.fleet?.focus.map { "showing node \($0) only (n: next node)" } ?? "showing the whole fleet", .info)
        case .undo:
            guard let control = selectedControl(state) else {
                state.status = StatusMessage("no active control selected to undo", .error)
                return []
            }
            ask(.cancelControl(id: control.id, reason: ""), &state)
        }
        return []
    }

    // MARK: - Modal input

    private static func handleModal(_ modal: Modal, _ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch modal {
        case .help:
            if [.escape, .char("?"), .char("q"), .function(1), .enter].contains(key) { state.modal = nil }
            return []
        case .command(var line):
            switch key {
            case .escape:
                state.modal = nil
            case .enter:
                state.modal = nil
                return run(line.field.text, &state)
            case .tab:
                let targets = CommandTargets(state.snapshot)
                let completed = ConsoleCommandLine.complete(line.field.text, targets: targets)
                line.candidates = completed == line.field.text ? ConsoleCommandLine.candidates(line.field.text, targets: targets) : []
                line.field = TextField(completed)
                state.modal = .command(line)
            case .backspace where line.field.text.isEmpty:
                state.modal = nil
            default:
                if line.field.handle(key) { line.candidates = []; state.modal = .command(line) }
            }
            return []
        case .jump(var field):
            switch key {
            case .enter, .escape:
                state.modal = nil
            default:
                if field.handle(key) {
                    state.modal = .jump(field)
                    jump(to: field.text, &state)
                }
            }
            return []
        case .filter(var field, let previous):
            switch key {
            case .enter:
                state.modal = nil
                setFilter(field.text.trimmingSpaces, &state)
            case .escape:
                state.modal = nil
                setFilter(previous, &state)
            default:
                if field.handle(key) {
                    state.modal = .filter(field, previous: previous)
                    setFilter(field.text.trimmingSpaces, &state)
                }
            }
            return []
        case .prompt(var prompt):
            switch key {
            case .enter:
                state.modal = nil
                let typed = prompt.field.text.trimmingSpaces
                let request = prompt.request.with(reason: typed.isEmpty ? prompt.request.defaultReason : typed)
                state.status = StatusMessage("\(request.summary)…", .info)
                return [.request(request)]
            case .escape:
                state.modal = nil
                state.status = StatusMessage("cancelled: \(prompt.request.summary)", .info)
            default:
                if prompt.field.handle(key) { state.modal = .prompt(prompt) }
            }
            return []
        case .form(var form):
            switch key {
            case .escape:
                state.modal = nil
                state.status = StatusMessage("cancelled", .info)
                return []
            case .enter:
                if case .replyRule = form.purpose, !form.dryRunIsCurrent, let pattern = form.pattern,
                   form.fields.allSatisfy({ $0.error == nil }) {
                    // The rule is applied only after a dry run of the pattern as it now stands.
                    form.loading = true
                    form.submitError = nil
                    state.modal = .form(form)
                    return [.dryRun(pattern: pattern)]
                }
                switch form.request() {
                case .success(let request):
                    state.modal = nil
                    state.status = StatusMessage("\(request.summary)…", .info)
                    return [.request(request)]
                case .failure(let error):
                    form.submitError = error.message
                }
            case .ctrl("t"):
                if let ttl = form.fields.firstIndex(where: { $0.kind == .ttl }) { form.focus = ttl }
            case .tab, .down: form.focus = (form.focus + 1) % form.fields.count
            case .backTab, .up: form.focus = (form.focus + form.fields.count - 1) % form.fields.count
            case .char(" ") where form.fields[form.focus].isToggle:
                form.fields[form.focus].isOn.toggle()
            default:
                if !form.fields[form.focus].isToggle, form.fields[form.focus].input.handle(key) { form.submitError = nil }
            }
            state.modal = .form(form)
            return []
        }
    }

    // MARK: - Command line, type-ahead, incidents

    /// Runs a `:` command line: a request goes to the control plane at once (the command names
    /// its reason), a view name switches view, an error goes to the status line.
    private static func run(_ text: String, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch ConsoleCommandLine.parse(text, targets: CommandTargets(state.snapshot)) {
        case .success(.show(let view)):
            switchView(to: view, &state)
            return []
        case .success(.request(let request)):
            if state.readOnly {
                state.status = StatusMessage("read-only console: actions are disabled", .error)
                return []
            }
            if let past = state.past {
                state.status = StatusMessage("viewing \(past.clock) (read-only): Esc returns to live first", .error)
                return []
            }
            state.status = StatusMessage("\(request.summary)…", .info)
            return [.request(request)]
        case .failure(let error):
            state.status = StatusMessage(":\(text): \(error.message)", .error)
            return []
        }
    }

    /// Moves the current table's cursor to the first row (in display order) whose name starts
    /// with `prefix`, ignoring case; the cursor stays when none does.
    private static func jump(to prefix: String, _ state: inout ConsoleState) {
        let wanted = prefix.lowercased()
        guard !wanted.isEmpty, let snapshot = state.snapshot else { return }
        let view = state.view
        guard let table = state.table(view),
              let row = table.rows.firstIndex(where: { TableRows.name(of: $0, view: view, snapshot: snapshot)?.lowercased().hasPrefix(wanted) == true })
        else {
            state.status = StatusMessage("no row starts with '\(prefix)'", .error)
            return
        }
        state.status = nil
        updateTable(&state, refresh: false) { $0.selected = row }
    }

    /// The newest deferral incident: of the templates with deferrals, at least
    /// ``incidentMinimum`` replies in the last two minutes, not greylisting
    /// (``incidentWeight(_:)`` 0) and either a rate or reputation refusal or at least half of
    /// their top domain's deferrals and bounces, the
    /// heaviest kind first (rate and reputation refusals above the rest), then the one first
    /// seen last (what just started, not the backoff an operator already knows about), then the
    /// one refusing most of its domain's traffic.
    public static func newestIncident(_ snapshot: NodeSnapshot) -> PatternRow? {
        var delivered: [String: Double] = [:]
        for d in snapshot.domains { delivered[d.name] = d.figures.deliveredPerMin * 2 }
        func recent(_ p: PatternRow) -> Int { p.perMinute.suffix(2).reduce(0, +) }
        func refused(_ p: PatternRow) -> Double {
            let r = Double(recent(p))
            return r / (r + (p.domains.first.flatMap { delivered[$0.name] } ?? 0))
        }
        func rank(_ p: PatternRow) -> (Double, Double, Double) { (incidentWeight(p.template), p.firstSeen, refused(p)) }
        return snapshot.patterns.filter {
            let weight = incidentWeight($0.template)
            return $0.deferred > 0 && recent($0) >= incidentMinimum && weight > 0 && (weight >= 3 || ($0.domains.first?.share ?? 0) >= 0.5)
        }.max { rank($0) < rank($1) }
    }

    /// How strongly a reply template says "the provider is limiting this sender": 3 for rate,
    /// volume and reputation refusals (`421` at connection level, `4.7.0`, Yahoo's `TSS0x`,
    /// Microsoft's `4.7.650`/`S3150`, "rate limited", "too many", "blocked"), 0 for greylisting
    /// (normal SMTP: the retry goes through), 1 for anything else.
    public static func incidentWeight(_ template: String) -> Double {
        let text = template.lowercased()
        if text.contains("greylist") || text.contains("graylist") { return 0 }
        let signs = ["[tss0", "4.7.0", "4.7.650", "s3150", "rate limit", "too many", "unexpected volume", "blocked", "421 "]
        return signs.contains { text.contains($0) } ? 3 : 1
    }

    /// Replies in the last two minutes that make a template an incident for `!`.
    public static let incidentMinimum = 3

    private static func jumpToIncident(_ state: inout ConsoleState) {
        guard let snapshot = state.snapshot, let incident = newestIncident(snapshot), let domain = incident.domains.first?.name else {
            state.status = StatusMessage("no deferral incident in the last two minutes", .info)
            return
        }
        switchView(to: .domains, &state)
        if !(state.domains.rows.contains { snapshot.domains.indices.contains($0) && snapshot.domains[$0].name == domain }) {
            setFilter("", &state)
        }
        if let row = state.domains.rows.firstIndex(where: { snapshot.domains.indices.contains($0) && snapshot.domains[$0].name == domain }) {
            updateTable(&state, refresh: false) { $0.selected = row }
        }
        state.status = StatusMessage("newest incident: \(domain) — \(incident.template)", .info)
    }

    // MARK: - History

    /// `[` and `]`: one minute back or forward through the history (the newest recorded minute is
    /// the one before the current); forward past the newest returns to live.
    private static func stepThroughHistory(by delta: Int64, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let newest = HistoryFrame.minute(of: state.now) - 1
        guard let past = state.past else {
            guard delta < 0 else {
                state.status = StatusMessage("live already: [ steps back through the last 24 hours", .info)
                return []
            }
            state.past = PastView(minute: newest, live: state.snapshot)
            state.status = StatusMessage("viewing \(state.past?.clock ?? "")…", .info)
            return [.fetchFrame(minute: newest)]
        }
        let minute = past.minute + delta
        if minute > newest {
            leavePast(&state)
            return []
        }
        guard minute > newest - 1440 else {
            state.status = StatusMessage("the history keeps 24 hours: \(past.clock) is the oldest", .info)
            return []
        }
        state.past?.minute = minute
        return [.fetchFrame(minute: minute)]
    }

    /// Back to the present: the newest live snapshot.
    private static func leavePast(_ state: inout ConsoleState) {
        guard let past = state.past else { return }
        state.past = nil
        if state.fleet != nil {
            remerge(&state)
        } else {
            state.snapshot = past.live
        }
        state.status = StatusMessage("live", .info)
        refreshTable(&state)
        clampDetail(&state)
    }

    /// The history series a Detail target reads: a domain's, a vmta's, or a queue's domain's.
    static func historyTarget(of target: DetailTarget) -> (HistoryKind, String) {
        switch target {
        case .domain(let d): (.domain, d)
        case .queue: (.domain, target.domain ?? target.name)
        case .vmta(let v): (.vmta, v)
        }
    }

    // MARK: - Helpers

    private static func ask(_ request: OperatorRequest, _ state: inout ConsoleState) {
        state.modal = .prompt(ReasonPrompt(request: request))
    }

    private static func holdOrRelease(_ state: inout ConsoleState) {
        guard let target = selectedTarget(state), let domain = target.domain else {
            state.status = StatusMessage("h holds a domain: select a domain or queue", .error)
            return
        }
        let held = state.snapshot?.domains.contains { $0.name == domain && $0.figures.held } ?? false
        ask(held ? .releaseDomain(domain: domain, reason: "") : .holdDomain(domain: domain, reason: "", ttl: nil), &state)
    }

    private static func pauseOrResume(_ state: inout ConsoleState) {
        if state.view == .jobs {
            guard let job = selectedJob(state) else {
                state.status = StatusMessage("p pauses a job: select one", .error)
                return
            }
            ask(job.paused ? .resumeJob(job: job.name, reason: "") : .pauseJob(job: job.name, reason: "", ttl: nil), &state)
            return
        }
        switch selectedTarget(state) {
        case .vmta(let name):
            let paused = state.snapshot?.vmtas.contains { $0.name == name && $0.paused } ?? false
            ask(paused ? .resumeVMTA(name: name, reason: "") : .pauseVMTA(name: name, reason: "", ttl: nil), &state)
        case .queue(let name):
            let paused = state.snapshot?.queues.contains { $0.name == name && $0.figures.paused } ?? false
            ask(paused ? .resumeQueue(queue: name, reason: "") : .pauseQueue(queue: name, reason: "", ttl: nil), &state)
        case .domain(let domain):
            guard let snapshot = state.snapshot, let queue = deferringQueue(of: domain, in: snapshot) else {
                state.status = StatusMessage("p pauses a vmta or queue, or the one queue a domain's deferrals come from: "
                                             + "none stands out for \(domain) (h holds the domain)", .error)
                return
            }
            ask(.pauseQueue(queue: queue.name, reason: "", ttl: nil), &state)
        case nil:
            state.status = StatusMessage("p pauses a vmta or queue (h holds a domain)", .error)
        }
    }

    /// The queue (`domain/vmta`) a domain's deferrals come from, when one stands out: not paused,
    /// at least two thirds of the deferrals and connection refusals a minute of the domain's
    /// running queues, while another of them delivers. `p` on the domain pauses it: the provider
    /// is refusing one sending IP, not the sender. nil when the trouble is the domain's (hold it).
    public static func deferringQueue(of domain: String, in snapshot: NodeSnapshot) -> QueueRow? {
        let running = snapshot.queues.filter { $0.name.hasPrefix(domain + "/") && !$0.figures.paused }
        func trouble(_ q: QueueRow) -> Double { q.figures.deferredPerMin + q.figures.refusedPerMin }
        let total = running.reduce(0) { $0 + trouble($1) }
        guard total > 0, let worst = running.max(by: { trouble($0) < trouble($1) }), trouble(worst) >= total * 2 / 3,
              running.contains(where: { $0.name != worst.name && $0.figures.deliveredPerMin > 0 }) else { return nil }
        return worst
    }

    /// The target of row actions: the selected row, or the Detail view's target.
    public static func selectedTarget(_ state: ConsoleState) -> DetailTarget? {
        guard let snapshot = state.snapshot else { return state.view == .detail ? state.detail?.target : nil }
        func selected(_ t: TableState) -> Int? { t.rows.indices.contains(t.selected) ? t.rows[t.selected] : nil }
        switch state.view {
        case .domains:
            return selected(state.domains).flatMap { snapshot.domains.indices.contains($0) ? .domain(snapshot.domains[$0].name) : nil }
        case .queues:
            return selected(state.queues).flatMap { snapshot.queues.indices.contains($0) ? .queue(snapshot.queues[$0].name) : nil }
        case .vmtas:
            return selected(state.vmtas).flatMap { snapshot.vmtas.indices.contains($0) ? .vmta(snapshot.vmtas[$0].name) : nil }
        case .diagnostics:
            return selectedEvent(state).map { .queue($0.queue) }
        case .detail:
            return state.detail?.target
        case .patterns:
            let rows = snapshot.patterns
            return rows.indices.contains(state.patterns.selected) ? rows[state.patterns.selected].domains.first.map { .domain($0.name) } : nil
        case .jobs:
            return nil
        }
    }

    /// The selected row of the Jobs view.
    public static func selectedJob(_ state: ConsoleState) -> JobRow? {
        guard state.view == .jobs, let snapshot = state.snapshot, state.jobs.rows.indices.contains(state.jobs.selected) else { return nil }
        let index = state.jobs.rows[state.jobs.selected]
        return snapshot.jobs.indices.contains(index) ? snapshot.jobs[index] : nil
    }

    /// The Diagnostics line under the selection, after filtering.
    public static func selectedEvent(_ state: ConsoleState) -> EventRecord? {
        let filter = DiagnosticsFilter(state.diagnostics.filter)
        var skip = state.diagnostics.selected
        for event in state.diagnostics.shown.reversed() where filter.matches(event) {
            if skip == 0 { return event }
            skip -= 1
        }
        return nil
    }

    /// The active controls that affect the Detail target, in the order the Detail view lists them.
    public static func detailControls(_ state: ConsoleState) -> [ControlInfo] {
        guard let target = state.detail?.target, let controls = state.snapshot?.status.controls else { return [] }
        return controls.filter { target.isAffected(by: $0) }
    }

    private static func selectedControl(_ state: ConsoleState) -> ControlInfo? {
        let controls = detailControls(state)
        guard let i = state.detail?.selectedControl, controls.indices.contains(i) else { return nil }
        return controls[i]
    }

    /// The figures of a domain or queue target in the current snapshot.
    public static func figures(of target: DetailTarget, in state: ConsoleState) -> QueueFigures? {
        switch target {
        case .domain(let d): state.snapshot?.domains.first { $0.name == d }?.figures
        case .queue(let q): state.snapshot?.queues.first { $0.name == q }?.figures
        case .vmta: nil
        }
    }

    private static func openDetail(_ state: inout ConsoleState) -> [ConsoleEffect] {
        if state.view == .detail { return [] }
        guard let target = selectedTarget(state) else {
            if state.detail != nil { state.view = .detail; return [] }
            state.status = StatusMessage("select a row first", .error)
            return []
        }
        let returnView = state.view
        state.detail = DetailState(target: target, returnView: returnView)
        state.view = .detail
        let (kind, name) = historyTarget(of: target)
        return (target.domain != nil ? [.fetchSettings(target: target.name)] : []) + [.fetchSeries(kind: kind, name: name)]
    }

    private static func scrollSettings(by delta: Int, _ state: inout ConsoleState) {
        guard let d = state.detail else { return }
        let count = d.settings?.entries.count ?? 0
        state.detail?.settingsScroll = max(0, min(max(0, count - 1), d.settingsScroll + delta))
    }

    private static func switchView(to view: ConsoleView, _ state: inout ConsoleState) {
        state.view = view
        refreshTable(&state)
    }

    private static func cycleView(by delta: Int, _ state: inout ConsoleState) {
        let all = ConsoleView.allCases.filter { $0 != .detail || state.detail != nil }
        let i = all.firstIndex(of: state.view) ?? 0
        switchView(to: all[(i + delta + all.count) % all.count], &state)
    }

    private static func move(by delta: Int, _ state: inout ConsoleState) {
        switch state.view {
        case .diagnostics:
            let count = state.diagnostics.shown.count
            // Rows are drawn oldest at the top: moving up selects older lines (a larger offset from the newest).
            state.diagnostics.selected = max(0, min(count - 1, state.diagnostics.selected - delta))
        case .detail:
            let count = detailControls(state).count
            if let d = state.detail { state.detail?.selectedControl = max(0, min(count - 1, d.selectedControl + delta)) }
        case .patterns:
            let rows = state.snapshot?.patterns ?? []
            state.patterns.select(state.patterns.selected + delta, in: rows, pageSize: PatternsView.listRows(pageSize: state.pageSize))
        case .domains, .queues, .vmtas, .jobs:
            updateTable(&state, refresh: false) { t in
                t.selected = max(0, min(t.rows.count - 1, t.selected + delta))
            }
        }
    }

    private static func shiftSort(by delta: Int, _ state: inout ConsoleState) {
        let columns = ColumnID.columns(of: state.view)
        updateTable(&state) { t in
            let i = columns.firstIndex(of: t.sortColumn) ?? 0
            t.sortColumn = columns[(i + delta + columns.count) % columns.count]
            t.descending = t.sortColumn.descendingByDefault
        }
        if let t = state.table(state.view) {
            state.status = StatusMessage("sorted by \(t.sortColumn.rawValue) \(t.descending ? "descending" : "ascending")", .info)
        }
    }

    private static func setFilter(_ text: String, _ state: inout ConsoleState) {
        if state.view == .diagnostics {
            state.diagnostics.filter = text
            state.diagnostics.selected = 0
        } else {
            updateTable(&state) { t in
                if t.filter != text { t.selected = 0; t.selectedName = nil; t.scroll = 0 }
                t.filter = text
            }
        }
    }

    private static func updateTable(_ state: inout ConsoleState, refresh: Bool = true, _ change: (inout TableState) -> Void) {
        let view = state.view
        let page = state.pageSize
        func apply(_ t: inout TableState) {
            change(&t)
            let rowNodes = state.fleet?.rowNodes
            if refresh { TableRows.refresh(&t, view: view, snapshot: state.snapshot, rowNodes: rowNodes, pageSize: page) }
            TableRows.clamp(&t, pageSize: page)
            t.selectedName = state.snapshot.flatMap { s in
                t.rows.indices.contains(t.selected) ? TableRows.name(of: t.rows[t.selected], view: view, snapshot: s, rowNodes: rowNodes) : nil
            }
        }
        switch view {
        case .domains: apply(&state.domains)
        case .queues: apply(&state.queues)
        case .vmtas: apply(&state.vmtas)
        case .jobs: apply(&state.jobs)
        case .diagnostics, .detail, .patterns: break
        }
    }

    private static func refreshTable(_ state: inout ConsoleState) {
        updateTable(&state) { _ in }
        if state.view == .patterns {
            state.patterns.follow(state.snapshot?.patterns ?? [], pageSize: PatternsView.listRows(pageSize: state.pageSize))
        }
    }

    private static func clampDetail(_ state: inout ConsoleState) {
        guard let d = state.detail else { return }
        let count = detailControls(state).count
        state.detail?.selectedControl = max(0, min(d.selectedControl, count - 1))
    }
}
