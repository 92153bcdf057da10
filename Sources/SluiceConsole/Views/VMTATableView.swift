import SluiceControlProtocol

/// The VMTAs view: one row per sending IP; with the node's complaint figures, complaints per
/// 1,000 delivered through the IP over the last hour and 24 hours; while a DNS blocklist lists an
/// IP, a BLOCKLIST column naming the zones (the badge of the `<blocklist-watch>`); when a vmta
/// warms up, its progress (day n of m, today's count and cap, why it holds).
enum VMTATableView {
    static func specs(complaints: Bool, listings: Bool = false, warmup: Bool = false) -> [ColumnSpec] {
        var specs = [
            ColumnSpec(id: .name, title: "VMTA", width: 12, flex: 1, priority: 0),
            ColumnSpec(id: .source, title: "SOURCE IP", width: 15, priority: 1),
            ColumnSpec(id: .delivered, title: "DLV/m", width: 6, rightAligned: true, priority: 2),
            ColumnSpec(id: .deferred, title: "DEF/m", width: 6, rightAligned: true, priority: 3),
            ColumnSpec(id: .refused, title: "REF/m", width: 6, rightAligned: true, priority: 3),
        ]
        if complaints {
            specs += [ColumnSpec(id: .complaintsHour, title: "CPL1h", width: 5, rightAligned: true, priority: 7),
                      ColumnSpec(id: .complaintsDay, title: "CPL24h", width: 6, rightAligned: true, priority: 8)]
        }
        return specs + [
            ColumnSpec(id: .connections, title: "CONN", width: 4, rightAligned: true, priority: 4),
            ColumnSpec(id: .queued, title: "QUEUED", width: 7, rightAligned: true, priority: 5),
            ColumnSpec(id: .state, title: "STATE", width: 6, priority: 1),
        ] + (listings ? [ColumnSpec(id: .listings, title: "BLOCKLIST", width: 16, flex: 1, priority: 1)] : []) + [
            ColumnSpec(id: .busiest, title: "BUSIEST DOMAINS", width: 16, flex: 3, priority: 6),
        ] + (warmup ? [ColumnSpec(id: .warmup, title: "WARM-UP", width: 24, flex: 3, priority: 3)] : [])
    }

    /// The warm-up cell: `day 3/20, 120/500` (held ones in the warning colour), `-` dim
    /// for a vmta without a schedule.
    static func warmupCell(_ figures: WarmupFigures?) -> TableCell {
        guard let figures else { return TableCell(text: "-", role: .dim) }
        return TableCell(text: figures.summary, role: figures.held != nil ? .warn : figures.isComplete ? .ok : .normal)
    }

    static func draw(_ state: ConsoleState, snapshot: NodeSnapshot, on canvas: inout Canvas, glyphs: GlyphSet,
                     top: Int, rows: Int) {
        let table = state.vmtas
        let columns = Table.layout(specs(complaints: snapshot.status.reputation != nil,
                                         listings: snapshot.vmtas.contains { !$0.listings.isEmpty },
                                         warmup: snapshot.vmtas.contains { $0.warmup != nil }), width: canvas.width)
        Table.drawTitles(columns, sort: table, on: &canvas, y: top, glyphs: glyphs)
        if table.rows.isEmpty {
            Table.drawEmpty(table.filter.isEmpty ? "no virtual MTAs" : "no vmtas match '\(table.filter)'", on: &canvas, y: top + 2)
            return
        }
        for line in 0..<rows {
            let pos = table.scroll + line
            guard pos < table.rows.count, table.rows[pos] < snapshot.vmtas.count else { break }
            let v = snapshot.vmtas[table.rows[pos]]
            let cells: [ColumnID: TableCell] = [
                .name: TableCell(text: v.name, role: .normal),
                .source: TableCell(text: v.source, role: .dim),
                .delivered: TableCell(text: Format.rate(v.deliveredPerMin), role: v.deliveredPerMin > 0 ? .ok : .dim),
                .deferred: TableCell(text: Format.rate(v.deferredPerMin), role: v.deferredPerMin > 0 ? .warn : .dim),
                .refused: TableCell(text: Format.rate(v.refusedPerMin), role: v.refusedPerMin > 0 ? .warn : .dim),
                .complaintsHour: ComplaintCells.cell(v.complaints?.lastHour),
                .complaintsDay: ComplaintCells.cell(v.complaints?.lastDay),
                .connections: TableCell(text: String(v.connections), role: v.connections == 0 ? .dim : .normal),
                .queued: TableCell(text: Format.count(v.queued), role: v.queued == 0 ? .dim : .normal),
                .state: TableCell(text: v.paused ? "PAUSED" : "ok", role: v.paused ? .paused : .ok),
                .listings: v.listings.isEmpty ? TableCell(text: "-", role: .dim)
                    : TableCell(text: "LISTED " + v.listings.map { "\($0.zone) \($0.answer)" }.joined(separator: ", "), role: .error),
                .busiest: TableCell(text: v.busiestDomains.joined(separator: ", "), role: .normal),
                .warmup: warmupCell(v.warmup),
            ]
            Table.drawRow(cells, columns: columns, selected: pos == table.selected, on: &canvas, y: top + 1 + line, glyphs: glyphs)
        }
    }
}
