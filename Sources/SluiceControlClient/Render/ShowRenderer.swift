import SluiceBase
import SluiceControlProtocol

/// Renders control results as the human tables of `sluice show …` (pure; `now` in Unix seconds
/// is passed in for the "time left" of controls).
public enum ShowRenderer {
    /// The longest `why`/`last error` text shown in a table cell.
    public static let reasonWidth = 70

    /// The text for any result.
    public static func render(_ result: ControlResult, now: Double) -> String {
        switch result {
        case .status(let s): return status(s, now: now)
        case .queues(let rows): return queues(rows, now: now)
        case .domains(let rows): return domains(rows)
        case .vmtas(let rows): return vmtas(rows)
        case .jobs(let rows): return jobs(rows)
        case .settings(let s): return settings(s)
        case .events(let events): return self.events(events)
        case .controls(let controls): return self.controls(controls, now: now)
        case .dryRun(let d): return dryRun(d)
        case .historyFrame(let frame): return frame.map(history) ?? "no history before that minute\n"
        case .historySeries(let points): return history(points)
        case .outcome(let o): return o.message + "\n"
        }
    }

    /// `node a, connected, 3 live nodes, throttles shared` or `node a, degraded since 12:04:31Z,
    /// 3 live nodes (last known), throttles fallback 1/3`.
    public static func fleetLine(_ fleet: FleetFigures) -> String {
        let nodes = "\(fleet.liveNodes) live node\(fleet.liveNodes == 1 ? "" : "s")"
        guard fleet.isDegraded else { return "node \(fleet.node), connected, \(nodes), throttles \(fleet.throttles)" }
        let since = fleet.degradedSince.map { " since " + Instant(milliseconds: Int64(($0 * 1000).rounded())).timeOfDayUTC } ?? ""
        return "node \(fleet.node), degraded\(since), \(nodes) (last known), throttles \(fleet.throttles)"
    }

    /// `show status`: node-wide figures (with the reputation loop's when the node reports them),
    /// then the active controls.
    public static func status(_ s: StatusSnapshot, now: Double) -> String {
        var table = TextTable([.init(""), .init("")])
        table.add(["node", s.node])
        table.add(["uptime", Formatting.duration(s.uptimeS)])
        table.add(["queued", "\(s.queued) recipients"])
        table.add(["in", "\(s.in.msgs) messages, \(Formatting.decimal(s.in.perS))/s"])
        table.add(["out", "\(s.out.delivered) delivered, \(s.out.deferred) deferred, \(s.out.refused) connections refused, "
                   + "\(s.out.bounced) bounced, "
                   + "\(Formatting.decimal(s.out.perS))/s delivered"])
        table.add(["connections", "\(s.connections.in) in, \(s.connections.out) out"])
        table.add(["spool", "\(Formatting.bytes(s.spool.bytes)) used, \(Formatting.bytes(s.spool.freeBytes)) free"])
        if let r = s.reputation {
            table.add(["reputation", "\(r.suppressed) suppressed (\(r.suppressedLastMinute) last min), \(r.dsnsSent) DSNs sent "
                       + "(\(r.dsnsLastMinute) last min), \(r.complaints) complaints, \(r.asyncBounces) async bounces, "
                       + "\(r.reportsUnparsed) unreadable reports"])
        }
        if let fleet = s.fleet { table.add(["fleet", fleetLine(fleet)]) }
        table.add(["controls", s.controls.isEmpty ? "none" : "\(s.controls.count) active"])
        // Drop the empty header line of the key/value table.
        var text = String(table.render().drop { $0 != "\n" }.dropFirst())
        if !s.controls.isEmpty { text += "\n" + controls(s.controls, now: now) }
        return text
    }

    /// `show queues`: one line per queue, busiest first as given, with a totals line; then the
    /// source addresses `disable-source-ip` has disabled, with the time left at `now`.
    public static func queues(_ rows: [QueueRow], now: Double = 0) -> String {
        var table = TextTable(figureColumns(first: "Queue"))
        for row in rows { table.add(figureCells(row.name, row.figures)) }
        table.totals = totalCells("total (\(plural(rows.count, "queue")))", rows.map(\.figures))
        let disabled = rows.flatMap { row in row.disabledSources.map { (row.name, $0) } }
        guard !disabled.isEmpty else { return table.render() }
        var sources = TextTable([.init("Disabled source"), .init("Destination"), .init("Queue"), .init("Left"), .init("Reply")])
        for (queue, d) in disabled {
            sources.add([d.sourceLabel, d.destination, queue, Formatting.remaining(until: d.until, now: now),
                         Formatting.truncate(d.reply, reasonWidth)])
        }
        return table.render() + "\n" + sources.render()
    }

    /// `show domains`: one line per domain with a totals line.
    public static func domains(_ rows: [DomainRow]) -> String {
        var table = TextTable(figureColumns(first: "Domain"))
        for row in rows { table.add(figureCells(row.name, row.figures)) }
        table.totals = totalCells("total (\(plural(rows.count, "domain")))", rows.map(\.figures))
        return table.render()
    }

    /// `show vmtas`.
    public static func vmtas(_ rows: [VMTARow]) -> String {
        var table = TextTable([.init("VMTA"), .init("Source"), .init("Rcpt", .right), .init("Conn", .right),
                               .init("Dlvd/min", .right), .init("Dfrd/min", .right), .init("Rfsd/min", .right), .init("State"),
                               .init("Busiest domains")])
        for v in rows {
            table.add([v.name, v.source, "\(v.queued)", "\(v.connections)", Formatting.decimal(v.deliveredPerMin),
                       Formatting.decimal(v.deferredPerMin), Formatting.decimal(v.refusedPerMin), state(v),
                       v.busiestDomains.prefix(3).joined(separator: ", ")])
        }
        table.totals = ["total (\(plural(rows.count, "vmta")))", "", "\(rows.map(\.queued).reduce(0, +))",
                        "\(rows.map(\.connections).reduce(0, +))",
                        Formatting.decimal(rows.map(\.deliveredPerMin).reduce(0, +)),
                        Formatting.decimal(rows.map(\.deferredPerMin).reduce(0, +)),
                        Formatting.decimal(rows.map(\.refusedPerMin).reduce(0, +)), "", ""]
        return table.render()
    }

    /// `show jobs`: one line per job with its progress through every queue it has mail in.
    public static func jobs(_ rows: [JobRow]) -> String {
        var table = TextTable([.init("Job"), .init("Queued", .right), .init("Dlvd", .right), .init("Dfrd", .right),
                               .init("Bncd", .right), .init("Dltd", .right), .init("Cmpl", .right), .init("Suppr", .right),
                               .init("Done", .right), .init("Dlvd/min", .right), .init("State")])
        for j in rows {
            table.add([j.name, "\(j.queued)", "\(j.delivered)", "\(j.deferred)", "\(j.bounced)", "\(j.deleted)",
                       "\(j.complained)", "\(j.suppressed)", percent(j.progress), Formatting.decimal(j.deliveredPerMin),
                       j.pausedBy.map { Formatting.truncate("paused " + $0, reasonWidth) } ?? (j.queued == 0 ? "done" : "sending")])
        }
        func sum(_ k: KeyPath<JobRow, Int>) -> String { "\(rows.map { $0[keyPath: k] }.reduce(0, +))" }
        table.totals = ["total (\(plural(rows.count, "job")))", sum(\.queued), sum(\.delivered), sum(\.deferred),
                        sum(\.bounced), sum(\.deleted), sum(\.complained), sum(\.suppressed), "",
                        Formatting.decimal(rows.map(\.deliveredPerMin).reduce(0, +)), ""]
        return table.render()
    }

    /// `sluice reply-rule … --dry-run`: the summary, then the queues and the rules already matching.
    public static func dryRun(_ d: ReplyRuleDryRunResult) -> String {
        var text = "/\(d.pattern)/ \(d.summary)\n"
        if !d.queues.isEmpty {
            var table = TextTable([.init("Queue"), .init("Replies", .right), .init("Share", .right)])
            for q in d.queues { table.add([q.name, "\(q.count)", percent(q.share)]) }
            text += table.render()
        }
        if !d.alreadyMatchedBy.isEmpty {
            var table = TextTable([.init("Already matched by"), .init("Rule"), .init("Where"), .init("Replies", .right)])
            for r in d.alreadyMatchedBy { table.add(["smtp-pattern-list \(r.list)", r.rule, r.location, "\(r.count)"]) }
            text += table.render()
        }
        return text
    }

    /// `sluice show history --at HH:MM`: the minute's domains, as the console showed them.
    public static func history(_ frame: HistoryFrame) -> String {
        var table = TextTable([.init("Domain"), .init("Queued", .right), .init("Dlvd", .right), .init("Dfrd", .right),
                               .init("Rfsd", .right), .init("Bncd", .right), .init("State")])
        for r in frame.domains { table.add([r.name, "\(r.queued)", "\(r.delivered)", "\(r.deferred)", "\(r.refused)", "\(r.bounced)", r.state]) }
        let t = frame.total
        table.totals = ["total (\(plural(frame.domains.count, "domain")))", "\(t.queued)", "\(t.delivered)", "\(t.deferred)",
                        "\(t.refused)", "\(t.bounced)", ""]
        return "minute \(frame.clock)\n" + table.render()
    }

    /// `sluice show history DOMAIN`: one line per minute that was not idle.
    public static func history(_ points: [HistoryPoint]) -> String {
        var table = TextTable([.init("Minute"), .init("Queued", .right), .init("Dlvd", .right), .init("Dfrd", .right),
                               .init("Rfsd", .right), .init("Bncd", .right), .init("State")])
        for p in points where !p.row.isIdle {
            let r = p.row
            table.add([HistoryFrame.clock(ofMinute: p.minute), "\(r.queued)", "\(r.delivered)", "\(r.deferred)",
                       "\(r.refused)", "\(r.bounced)", r.state])
        }
        return table.render()
    }

    /// `0.4`→`40%`, never 100% while anything is left.
    static func percent(_ fraction: Double) -> String {
        let p = Int((fraction * 100).rounded(.down))
        return "\(min(100, max(0, p)))%"
    }

    /// A vmta's state cell: `active` or `paused`, with its blocklist listings
    /// (`paused, listed: zen.spamhaus.org 127.0.0.2`).
    static func state(_ v: VMTARow) -> String {
        let state = v.paused ? "paused" : "active"
        guard !v.listings.isEmpty else { return state }
        return state + ", listed: " + v.listings.map { "\($0.zone) \($0.answer)" }.joined(separator: ", ")
    }

    /// `show settings`: directive, value, origin.
    public static func settings(_ s: SettingsSnapshot) -> String {
        var table = TextTable([.init("Directive"), .init("Value"), .init("Origin")])
        for e in s.entries { table.add([e.name, e.value, e.origin]) }
        return "Settings for \(s.queue)\n" + table.render() + (s.dkim.map(dkim) ?? "")
    }

    /// The DKIM lines under a queue's settings: which key signs, and the counts since start.
    static func dkim(_ status: SettingsSnapshot.DKIMStatus) -> String {
        var lines = status.signing.map { "DKIM \($0)" }
        var counts = "DKIM since start: \(status.signed) signed, \(status.unsigned) unsigned where signing was expected"
        if !status.lastKey.isEmpty { counts += "; last key \(status.lastKey)" }
        lines.append(counts)
        if !status.lastMissing.isEmpty { lines.append("DKIM last unsigned: \(status.lastMissing)") }
        return "\n" + lines.joined(separator: "\n") + "\n"
    }

    /// Recent events, oldest first.
    public static func events(_ events: [EventRecord]) -> String {
        var table = TextTable([.init("Time", .right), .init("Kind"), .init("Queue"), .init("Recipient"), .init("Code", .right),
                               .init("Diagnostic")])
        for e in events {
            table.add([Formatting.decimal(e.time), e.kind, e.queue, e.recipient, e.code == 0 ? "-" : "\(e.code)",
                       Formatting.truncate(e.dsnDiag, reasonWidth)])
        }
        return table.render()
    }

    /// Active controls with who, why and time left.
    public static func controls(_ controls: [ControlInfo], now: Double) -> String {
        guard !controls.isEmpty else { return "no active controls\n" }
        var table = TextTable([.init("ID"), .init("Kind"), .init("Target"), .init("Detail"), .init("Who"), .init("Left"),
                               .init("Why")])
        for c in controls {
            table.add([c.id, c.kind.rawValue, c.target, c.detail, c.who, Formatting.remaining(until: c.expiresAt, now: now),
                       Formatting.truncate(c.why, reasonWidth)])
        }
        return table.render()
    }

    private static func plural(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    private static func figureColumns(first: String) -> [TextTable.Column] {
        [.init(first), .init("Rcpt", .right), .init("Dlvd", .right), .init("Dfrd", .right), .init("Refused", .right),
         .init("Bncd", .right), .init("Conn", .right), .init("Dlvd/min", .right), .init("Oldest", .right), .init("Drain", .right),
         .init("p50", .right), .init("p95", .right), .init("p99", .right), .init("Rate"), .init("Mode"), .init("State"),
         .init("Why / last error")]
    }

    /// A time-in-queue cell: `1h2m3s`, or `-` when there is no figure.
    private static func seconds(_ value: Double?) -> String { value.map(Formatting.duration) ?? "-" }

    private static func figureCells(_ name: String, _ f: QueueFigures) -> [String] {
        var state: [String] = []
        if f.held { state.append("held") }
        if f.paused { state.append("paused") }
        let why = [f.why, f.lastError].filter { !$0.isEmpty }.joined(separator: " | ")
        return [name, "\(f.queued)", "\(f.delivered)", "\(f.deferred)", "\(f.refused)", "\(f.bounced)", "\(f.connections)",
                Formatting.decimal(f.deliveredPerMin), seconds(f.oldestAgeS), seconds(f.drainS),
                seconds(f.latency?.quantile(0.5)), seconds(f.latency?.quantile(0.95)), seconds(f.latency?.quantile(0.99)),
                f.rateLimit, f.mode, state.isEmpty ? "active" : state.joined(separator: ","),
                Formatting.truncate(why, reasonWidth)]
    }

    private static func totalCells(_ label: String, _ figures: [QueueFigures]) -> [String] {
        [label, "\(figures.map(\.queued).reduce(0, +))", "\(figures.map(\.delivered).reduce(0, +))",
         "\(figures.map(\.deferred).reduce(0, +))", "\(figures.map(\.refused).reduce(0, +))",
         "\(figures.map(\.bounced).reduce(0, +))",
         "\(figures.map(\.connections).reduce(0, +))", Formatting.decimal(figures.map(\.deliveredPerMin).reduce(0, +)),
         seconds(figures.compactMap(\.oldestAgeS).max()), "", "", "", "", "", "", "", ""]
    }
}
