import SluiceControlProtocol

/// The Domains and Queues views: one row per domain or per queue, with the same figures.
///
/// When the node reports complaint figures, two columns show complaints per 1,000 delivered over
/// the last hour and 24 hours in the colour of their level. On a narrow terminal the hour's rate
/// stays and the rate limit (also in the Detail view and usually in "why not faster") gives way.
///
/// REF/m, beside the recipients' DEF/m, counts connections the remote host refused with a reply
/// (a 421 greeting: Yahoo's TSS04); OLDEST is the age of the oldest waiting recipient, DRAIN the
/// time to deliver the queue at the last minute's rate ("never" when nothing is being delivered),
/// P50/P95/P99 the injection-to-final-outcome delays since start. Columns drop by priority on
/// narrow terminals.
enum QueueTableView {
    static func specs(nameTitle: String, nameWidth: Int, complaints: Bool) -> [ColumnSpec] {
        var specs = [
            ColumnSpec(id: .name, title: nameTitle, width: nameWidth, flex: 2, priority: 0),
            ColumnSpec(id: .queued, title: "QUEUED", width: 7, rightAligned: true, priority: 1),
            ColumnSpec(id: .delivered, title: "DLV/m", width: 5, rightAligned: true, priority: 2),
            ColumnSpec(id: .deferred, title: "DEF/m", width: 5, rightAligned: true, priority: 3),
            ColumnSpec(id: .refused, title: "REF/m", width: 5, rightAligned: true, priority: 3),
            ColumnSpec(id: .bounced, title: "BNC/m", width: 5, rightAligned: true, priority: 5),
            ColumnSpec(id: .oldest, title: "OLDEST", width: 6, rightAligned: true, priority: 6),
            ColumnSpec(id: .drain, title: "DRAIN", width: 6, rightAligned: true, priority: 7),
            ColumnSpec(id: .latencyP50, title: "P50", width: 6, rightAligned: true, priority: 12),
            ColumnSpec(id: .latencyP95, title: "P95", width: 6, rightAligned: true, priority: 8),
            ColumnSpec(id: .latencyP99, title: "P99", width: 6, rightAligned: true, priority: 12),
        ]
        if complaints {
            specs += [ColumnSpec(id: .complaintsHour, title: "CPL1h", width: 5, rightAligned: true, priority: 6),
                      ColumnSpec(id: .complaintsDay, title: "CPL24h", width: 6, rightAligned: true, priority: 9)]
        }
        return specs + [
            ColumnSpec(id: .connections, title: "CONN", width: 4, rightAligned: true, priority: 4),
            ColumnSpec(id: .rate, title: "RATE", width: 9, rightAligned: true, priority: complaints ? 8 : 6),
            ColumnSpec(id: .mode, title: "MODE", width: 7, priority: 11),
            ColumnSpec(id: .state, title: "STATE", width: 7, priority: 1),
            ColumnSpec(id: .why, title: "WHY NOT FASTER", width: 14, flex: 2, priority: 7),
            ColumnSpec(id: .lastError, title: "LAST ERROR", width: 16, flex: 3, priority: 10),
        ]
    }

    static func cells(name: String, _ f: QueueFigures) -> [ColumnID: TableCell] {
        let state = stateLabel(f)
        let stateRole: Role = f.held ? .held : f.paused ? .paused : f.mode == "backoff" ? .backoff : .ok
        let errorRole: Role = f.lastError.hasPrefix("5") ? .error : f.lastError.isEmpty ? .dim : .warn
        return [
            .name: TableCell(text: name, role: .normal),
            .queued: TableCell(text: Format.count(f.queued), role: f.queued == 0 ? .dim : .normal),
            .delivered: TableCell(text: Format.rate(f.deliveredPerMin), role: f.deliveredPerMin > 0 ? .ok : .dim),
            .deferred: TableCell(text: Format.rate(f.deferredPerMin), role: f.deferredPerMin > 0 ? .warn : .dim),
            .refused: TableCell(text: Format.rate(f.refusedPerMin), role: f.refusedPerMin > 0 ? .warn : .dim),
            .bounced: TableCell(text: Format.rate(f.bouncedPerMin), role: f.bouncedPerMin > 0 ? .error : .dim),
            .oldest: durationCell(f.oldestAgeS),
            .drain: f.drainS.map { TableCell(text: Format.duration(seconds: $0), role: .normal) }
                ?? TableCell(text: f.queued > 0 ? "never" : "-", role: f.queued > 0 ? .warn : .dim),
            .latencyP50: durationCell(f.latency?.quantile(0.5)),
            .latencyP95: durationCell(f.latency?.quantile(0.95)),
            .latencyP99: durationCell(f.latency?.quantile(0.99)),
            .complaintsHour: ComplaintCells.cell(f.complaints?.lastHour),
            .complaintsDay: ComplaintCells.cell(f.complaints?.lastDay),
            .connections: TableCell(text: String(f.connections), role: f.connections == 0 ? .dim : .normal),
            .rate: TableCell(text: f.rateLimit, role: f.rateLimit == "unlimited" ? .dim : .normal),
            .mode: TableCell(text: f.mode, role: f.mode == "backoff" ? .backoff : .dim),
            .state: TableCell(text: state.isEmpty ? "ok" : state, role: stateRole),
            .why: TableCell(text: f.why, role: .normal),
            .lastError: TableCell(text: f.lastError, role: errorRole),
        ]
    }

    /// A time-in-queue cell: `12m05s`, or a dim `-` without a figure.
    static func durationCell(_ seconds: Double?) -> TableCell {
        seconds.map { TableCell(text: Format.duration(seconds: $0), role: .normal) } ?? TableCell(text: "-", role: .dim)
    }

    static func draw(_ state: ConsoleState, snapshot: NodeSnapshot, on canvas: inout Canvas, glyphs: GlyphSet,
                     top: Int, rows: Int) {
        let isDomains = state.view == .domains
        guard let table = state.table(state.view) else { return }
        let complaints = snapshot.status.reputation != nil
        let columns = Table.layout(isDomains ? specs(nameTitle: "DOMAIN", nameWidth: 16, complaints: complaints)
                                             : specs(nameTitle: "QUEUE", nameWidth: 22, complaints: complaints),
                                   width: canvas.width)
        Table.drawTitles(columns, sort: table, on: &canvas, y: top, glyphs: glyphs)
        if table.rows.isEmpty {
            let what = isDomains ? "domains" : "queues"
            Table.drawEmpty(table.filter.isEmpty ? "no \(what) with mail" : "no \(what) match '\(table.filter)'", on: &canvas, y: top + 2)
            return
        }
        for line in 0..<rows {
            let pos = table.scroll + line
            guard pos < table.rows.count else { break }
            let index = table.rows[pos]
            guard index < (isDomains ? snapshot.domains.count : snapshot.queues.count) else { break }
            let cells: [ColumnID: TableCell]
            if isDomains {
                let row = snapshot.domains[index]
                cells = self.cells(name: row.name, row.figures)
            } else {
                let row = snapshot.queues[index]
                cells = self.cells(name: row.name, row.figures)
            }
            Table.drawRow(cells, columns: columns, selected: pos == table.selected, on: &canvas, y: top + 1 + line, glyphs: glyphs)
        }
    }
}
