import SluiceControlProtocol

/// The Jobs view: one row per job (X-Job) with its progress through every queue it has mail in
/// (PowerMTA's `pmta show jobs`): recipients queued, totals delivered, deferred, bounced,
/// complaints and suppressed, delivered a minute, and PAUSED while a pause covers it.
enum JobsTableView {
    /// Cells of the progress bar.
    static let barWidth = 10

    static let specs = [
        ColumnSpec(id: .name, title: "JOB", width: 14, flex: 2, priority: 0),
        ColumnSpec(id: .state, title: "STATE", width: 7, priority: 1),
        ColumnSpec(id: .progress, title: "PROGRESS", width: barWidth + 5, priority: 2),
        ColumnSpec(id: .queued, title: "QUEUED", width: 7, rightAligned: true, priority: 1),
        ColumnSpec(id: .delivered, title: "DLVD", width: 7, rightAligned: true, priority: 3),
        ColumnSpec(id: .deferred, title: "DFRD", width: 6, rightAligned: true, priority: 4),
        ColumnSpec(id: .bounced, title: "BNCD", width: 6, rightAligned: true, priority: 4),
        ColumnSpec(id: .complained, title: "CMPL", width: 5, rightAligned: true, priority: 5),
        ColumnSpec(id: .suppressed, title: "SUPPR", width: 5, rightAligned: true, priority: 6),
        ColumnSpec(id: .rate, title: "DLV/m", width: 6, rightAligned: true, priority: 3),
    ]

    /// `██████▁▁▁▁ 60%`: never full while anything is left.
    static func progressText(_ fraction: Double, queued: Int, glyphs: GlyphSet) -> String {
        let clamped = max(0, min(1, fraction))
        var percent = Int((clamped * 100).rounded(.down))
        if queued > 0 { percent = min(percent, 99) }
        let filled = min(barWidth, Int((clamped * Double(barWidth)).rounded(.down)))
        let full = glyphs.sparks.last ?? "#", empty = glyphs.sparks.first ?? "."
        return String(repeating: full, count: filled) + String(repeating: empty, count: barWidth - filled) + " \(percent)%"
    }

    static func draw(_ state: ConsoleState, snapshot: NodeSnapshot, on canvas: inout Canvas, glyphs: GlyphSet,
                     top: Int, rows: Int) {
        let table = state.jobs
        let columns = Table.layout(NodeColumn.adding(to: specs, fleet: state.fleet), width: canvas.width)
        Table.drawTitles(columns, sort: table, on: &canvas, y: top, glyphs: glyphs)
        if table.rows.isEmpty {
            Table.drawEmpty(table.filter.isEmpty ? "no jobs: messages carry none (X-Job header)" : "no jobs match '\(table.filter)'",
                            on: &canvas, y: top + 2)
            return
        }
        for line in 0..<rows {
            let pos = table.scroll + line
            guard pos < table.rows.count, table.rows[pos] < snapshot.jobs.count else { break }
            let j = snapshot.jobs[table.rows[pos]]
            let node = NodeColumn.cell(state, index: table.rows[pos])
            let state = j.paused ? TableCell(text: "PAUSED", role: .paused)
                : j.queued == 0 ? TableCell(text: "done", role: .dim) : TableCell(text: "sending", role: .ok)
            let cells: [ColumnID: TableCell] = [
                .node: node?.0 ?? TableCell(text: "", role: .normal),
                .name: TableCell(text: j.name, role: .normal),
                .state: state,
                .progress: TableCell(text: progressText(j.progress, queued: j.queued, glyphs: glyphs),
                                     role: j.queued == 0 ? .dim : .figure),
                .queued: TableCell(text: Format.count(j.queued), role: j.queued == 0 ? .dim : .normal),
                .delivered: TableCell(text: Format.count(j.delivered), role: j.delivered == 0 ? .dim : .ok),
                .deferred: TableCell(text: Format.count(j.deferred), role: j.deferred == 0 ? .dim : .warn),
                .bounced: TableCell(text: Format.count(j.bounced), role: j.bounced == 0 ? .dim : .error),
                .complained: TableCell(text: Format.count(j.complained), role: j.complained == 0 ? .dim : .error),
                .suppressed: TableCell(text: Format.count(j.suppressed), role: j.suppressed == 0 ? .dim : .normal),
                .rate: TableCell(text: Format.rate(j.deliveredPerMin), role: j.deliveredPerMin > 0 ? .ok : .dim),
            ]
            Table.drawRow(cells, columns: columns, selected: pos == table.selected, greyed: node?.stale ?? false,
                          on: &canvas, y: top + 1 + line, glyphs: glyphs)
        }
    }
}
