import SluiceControlProtocol

/// Everything about one domain, queue or vmta: figures, effective settings with origins, active
/// controls (undoable), source addresses disabled by `disable-source-ip`, a five-minute sparkline, complaints and asynchronous bounces (when the
/// node reports them), recent events and a sample of queued recipients.
enum DetailView {
    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet, top: Int, rows: Int) {
        guard let detail = state.detail else {
            Table.drawEmpty("select a row and press Enter to see its detail", on: &canvas, y: top + 2)
            return
        }
        let w = canvas.width
        let target = detail.target
        let kind: String
        switch target {
        case .domain: kind = "domain"
        case .queue: kind = "queue"
        case .vmta: kind = "vmta"
        }
        // Title and figures.
        canvas.fill(x: 0, y: top, width: w, height: 1, role: .columnHeader)
        var x = canvas.put(" \(target.name) ", x: 0, y: top, role: .columnHeader)
        x += canvas.put("(\(kind))  ", x: x, y: top, role: .columnHeader)
        var figureLine: [TableCell] = []
        if let f = ConsoleReducer.figures(of: target, in: state) {
            let label = stateLabel(f)
            if !label.isEmpty {
                canvas.put(label, x: x, y: top, role: f.held ? .held : f.paused ? .paused : .backoff)
            }
            figureLine = [
                TableCell(text: "queued ", role: .dim), TableCell(text: Format.count(f.queued), role: .normal),
                TableCell(text: "  dlv/m ", role: .dim), TableCell(text: Format.rate(f.deliveredPerMin), role: .ok),
                TableCell(text: "  def/m ", role: .dim), TableCell(text: Format.rate(f.deferredPerMin), role: f.deferredPerMin > 0 ? .warn : .normal),
                TableCell(text: "  bnc/m ", role: .dim), TableCell(text: Format.rate(f.bouncedPerMin), role: f.bouncedPerMin > 0 ? .error : .normal),
                TableCell(text: "  conn ", role: .dim), TableCell(text: String(f.connections), role: .normal),
                TableCell(text: "  rate ", role: .dim), TableCell(text: f.rateLimit, role: .normal),
                TableCell(text: "  why ", role: .dim), TableCell(text: f.why.isEmpty ? "-" : f.why, role: .normal),
            ]
        } else if case .vmta(let name) = target, let v = state.snapshot?.vmtas.first(where: { $0.name == name }) {
            if v.paused { canvas.put("PAUSED", x: x, y: top, role: .paused) }
            figureLine = [
                TableCell(text: "source ", role: .dim), TableCell(text: v.source, role: .normal),
                TableCell(text: "  queued ", role: .dim), TableCell(text: Format.count(v.queued), role: .normal),
                TableCell(text: "  dlv/m ", role: .dim), TableCell(text: Format.rate(v.deliveredPerMin), role: .ok),
                TableCell(text: "  def/m ", role: .dim), TableCell(text: Format.rate(v.deferredPerMin), role: v.deferredPerMin > 0 ? .warn : .normal),
                TableCell(text: "  conn ", role: .dim), TableCell(text: String(v.connections), role: .normal),
                TableCell(text: "  busiest ", role: .dim), TableCell(text: v.busiestDomains.joined(separator: ", "), role: .normal),
            ]
        }
        Section(title: "", lines: [figureLine]).drawLine(on: &canvas, y: top + 1, width: w, glyphs: glyphs)
        var lastErrorRows = 0
        if let f = ConsoleReducer.figures(of: target, in: state), !f.lastError.isEmpty {
            canvas.put("last error ", x: 1, y: top + 2, role: .dim)
            canvas.put(f.lastError.truncated(toWidth: w - 12, ellipsis: glyphs.ellipsis), x: 12, y: top + 2,
                       role: f.lastError.hasPrefix("5") ? .error : .warn)
            lastErrorRows = 1
        }

        let bodyTop = top + 2 + lastErrorRows
        let bodyRows = rows + 1 - 2 - lastErrorRows
        let leftWidth = w >= 120 ? 62 : 48
        let rightX = leftWidth + 1
        let rightWidth = w - rightX

        // Left: effective settings with origins.
        var settingsLines: [[TableCell]] = []
        if let s = detail.settings {
            let shown = s.entries.dropFirst(detail.settingsScroll)
            if detail.settingsScroll > 0 { settingsLines.append([TableCell(text: "\(glyphs.sortAscending) \(detail.settingsScroll) more (PgUp)", role: .dim)]) }
            for e in shown {
                settingsLines.append([
                    TableCell(text: Format.pad(e.name, 24, ellipsis: glyphs.ellipsis) + " ", role: .dim),
                    TableCell(text: Format.pad(e.value, leftWidth >= 62 ? 16 : 9, ellipsis: glyphs.ellipsis) + " ", role: .normal),
                    TableCell(text: e.origin, role: e.origin == "default" ? .dim : .category),
                ])
            }
        } else if let error = detail.settingsError {
            settingsLines.append([TableCell(text: error, role: .error)])
        } else if target.domain != nil {
            settingsLines.append([TableCell(text: "loading…", role: .dim)])
        } else {
            settingsLines.append([TableCell(text: "settings are per domain or queue", role: .dim)])
        }
        if settingsLines.count > bodyRows - 1, bodyRows > 2 {
            let hidden = settingsLines.count - (bodyRows - 2)
            settingsLines = Array(settingsLines.prefix(bodyRows - 2))
            settingsLines.append([TableCell(text: "\(glyphs.sortDescending) \(hidden) more (PgDn)", role: .dim)])
        }
        Section(title: "Effective settings", lines: settingsLines).draw(on: &canvas, x: 0, y: bodyTop, width: leftWidth, height: bodyRows, glyphs: glyphs)

        // Right: activity, controls, events, recipients.
        var y = bodyTop
        var left = bodyRows
        let history = detail.settings?.history ?? []
        let spark = history.isEmpty ? "no history" : Sparkline.render(history, width: rightWidth, glyphs: glyphs, compress: true)
        let peak = history.max() ?? 0
        let used = Section(title: "Delivered/s, last 5 min (peak \(peak))", lines: [[TableCell(text: spark, role: history.isEmpty ? .dim : .sparkline)]])
            .draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: min(2, left), glyphs: glyphs)
        y += used; left -= used

        if left > 8 {
            let lines = historyLines(detail, target: target, width: rightWidth, glyphs: glyphs)
            let shown = Section(title: historyTitle(target), lines: lines)
                .draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: min(1 + lines.count, left - 6), glyphs: glyphs)
            y += shown; left -= shown
        }

        if let dkim = detail.settings?.dkim {
            let lines = dkimLines(dkim)
            let shown = Section(title: "DKIM", lines: lines)
                .draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: min(1 + lines.count, max(0, left - 4)), glyphs: glyphs)
            y += shown; left -= shown
        }

        let controls = ConsoleReducer.detailControls(state)
        let controlLines: [[TableCell]] = controls.isEmpty ? [[TableCell(text: "none", role: .dim)]] : controls.map { c in
            let expiry = c.expiresAt.map { "expires in " + Format.duration(seconds: $0 - Double(state.now.milliseconds) / 1000) } ?? "until undone"
            let role: Role = switch c.kind {
            case .hold: .held
            case .pause: .paused
            case .throttle: .normal
            case .replyRule: .backoff
            }
            return [TableCell(text: Format.pad(c.kind.rawValue, 10), role: role), TableCell(text: "\(c.target) \(c.detail) ", role: .normal),
                    TableCell(text: "by \(c.who): \(c.why) (\(expiry))", role: .dim)]
        }
        let controlRows = min(left, 1 + min(max(1, controls.count), 4))
        y += Section(title: "Active controls" + (state.readOnly || controls.isEmpty ? "" : " (u undoes)"), lines: controlLines,
                     selected: controls.isEmpty ? nil : detail.selectedControl)
            .draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: controlRows, glyphs: glyphs)
        left = bodyTop + bodyRows - y

        let disabled = DisabledSourceLines.rows(of: target, in: state)
        if !disabled.isEmpty {
            let lines = DisabledSourceLines.lines(disabled, now: Double(state.now.milliseconds) / 1000)
            y += Section(title: "Disabled source IPs", lines: lines)
                .draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: min(left, 1 + min(lines.count, 4)), glyphs: glyphs)
            left = bodyTop + bodyRows - y
        }

        if let reputation = detail.settings?.reputation {
            let lines = reputationLines(reputation)
            y += Section(title: "Complaints & async bounces", lines: lines)
                .draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: min(1 + lines.count, max(2, left / 3)), glyphs: glyphs)
            left = bodyTop + bodyRows - y
        }

        let eventRows = max(0, (left + 1) / 2)
        let events = recentEvents(state, target: target, limit: max(0, eventRows - 1))
        let eventLines: [[TableCell]] = events.isEmpty ? [[TableCell(text: "none yet", role: .dim)]] : events.map { e in
            [TableCell(text: Format.clock(e.time) + " ", role: .dim), TableCell(text: "\(e.code == 0 ? "---" : String(e.code)) ", role: DiagnosticsView.role(of: e)),
             TableCell(text: e.recipient + " ", role: .normal), TableCell(text: e.dsnDiag, role: DiagnosticsView.role(of: e))]
        }
        y += Section(title: "Recent events", lines: eventLines).draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: eventRows, glyphs: glyphs)
        left = bodyTop + bodyRows - y

        let sample = detail.settings?.recipients ?? []
        let recipientLines: [[TableCell]] = sample.isEmpty ? [[TableCell(text: "no sample", role: .dim)]] : sample.map { r in
            [TableCell(text: r.recipient + " ", role: .normal),
             TableCell(text: "age \(Format.duration(seconds: r.ageS)) tries \(r.attempts) ", role: .dim),
             TableCell(text: r.lastReply, role: r.lastReply.hasPrefix("5") ? .error : r.lastReply.isEmpty ? .dim : .warn)]
        }
        Section(title: "Queued recipients (sample)", lines: recipientLines).draw(on: &canvas, x: rightX, y: y, width: rightWidth, height: left, glyphs: glyphs)
    }

    /// The history section's title: what its series are of.
    static func historyTitle(_ target: DetailTarget) -> String {
        if case .queue = target, let domain = target.domain { return "History of \(domain): delivered/min, deferred/min" }
        return "History: delivered/min, deferred/min"
    }

    /// The target's last hour, six hours and day, one line each: a sparkline of delivered a
    /// minute (buckets averaged to the width) and the span's delivered, deferred and refused totals.
    static func historyLines(_ detail: DetailState, target: DetailTarget, width: Int, glyphs: GlyphSet) -> [[TableCell]] {
        guard let points = detail.history else { return [[TableCell(text: "loading…", role: .dim)]] }
        guard points.contains(where: { !$0.row.isIdle }) else { return [[TableCell(text: "nothing in the last 24 h", role: .dim)]] }
        return [(60, "1h "), (360, "6h "), (1440, "24h")].map { minutes, label in
            let span = points.suffix(minutes)
            let delivered = span.reduce(0) { $0 + $1.row.delivered }
            let deferred = span.reduce(0) { $0 + $1.row.deferred + $1.row.refused }
            let totals = " \(Format.count(delivered)) dlv \(Format.count(deferred)) def"
            let sparkWidth = max(4, width - 4 - DisplayWidth.of(totals) - 1)
            let spark = Sparkline.render(span.map(\.row.delivered), width: sparkWidth, glyphs: glyphs, compress: true)
            return [TableCell(text: label + " ", role: .dim), TableCell(text: spark, role: .sparkline),
                    TableCell(text: totals, role: deferred > 0 ? .warn : .dim)]
        }
    }

    /// The DKIM section: which key signs the queue's mail, then the counts (unsigned in the
    /// warning colour when there are any).
    static func dkimLines(_ dkim: SettingsSnapshot.DKIMStatus) -> [[TableCell]] {
        var lines = dkim.signing.map { [TableCell(text: $0, role: $0.hasPrefix("not signed") ? .dim : .normal)] }
        var counts = [TableCell(text: "\(dkim.signed) signed  ", role: .normal),
                      TableCell(text: "\(dkim.unsigned) unsigned", role: dkim.unsigned > 0 ? .warn : .dim)]
        if dkim.unsigned > 0, !dkim.lastMissing.isEmpty { counts.append(TableCell(text: ": \(dkim.lastMissing)", role: .warn)) }
        lines.append(counts)
        return lines
    }

    /// The complaints section: the figure line, then the recent complaints and asynchronous
    /// bounces, newest first (the section shows as many as fit).
    static func reputationLines(_ r: SettingsSnapshot.Reputation) -> [[TableCell]] {
        let figures = r.figures.map(ComplaintCells.summary) ?? [TableCell(text: "no deliveries or complaints in 24 h", role: .dim)]
        let notes = r.recent.reversed().map { e -> [TableCell] in
            let complaint = e.kind == "complaint"
            return [TableCell(text: Format.clock(e.time) + " ", role: .dim),
                    TableCell(text: complaint ? "complaint " : "bounce ", role: complaint ? .error : .warn),
                    TableCell(text: e.category + " ", role: .category), TableCell(text: e.recipient + " ", role: .normal),
                    TableCell(text: e.dsnDiag, role: .dim)]
        }
        return [figures] + (notes.isEmpty ? [[TableCell(text: "none in 24 h", role: .dim)]] : notes)
    }

    /// The newest events of the target, oldest first.
    static func recentEvents(_ state: ConsoleState, target: DetailTarget, limit: Int) -> [EventRecord] {
        guard limit > 0 else { return [] }
        var out: [EventRecord] = []
        for e in state.diagnostics.events.reversed() {
            let matches: Bool
            switch target {
            case .queue(let q): matches = e.queue == q
            case .domain(let d): matches = e.queue.hasPrefix(d + "/") || e.queue == d
            case .vmta(let v): matches = e.queue.hasSuffix("/" + v)
            }
            if matches { out.append(e); if out.count == limit { break } }
        }
        return out.reversed()
    }
}

extension Section {
    /// Draws the first line alone at `y` from column 1 (a figure line without title).
    func drawLine(on canvas: inout Canvas, y: Int, width: Int, glyphs: GlyphSet) {
        guard let line = lines.first else { return }
        var x = 1
        for cell in line where x < width {
            x += canvas.put(cell.text.truncated(toWidth: width - x, ellipsis: glyphs.ellipsis), x: x, y: y, role: cell.role)
        }
    }
}
