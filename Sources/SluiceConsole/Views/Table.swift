/// A table column: its title, width, alignment, and how it yields to narrow terminals.
struct ColumnSpec {
    /// The sort column it shows.
    var id: ColumnID
    /// The title.
    var title: String
    /// The minimum width.
    var width: Int
    /// Right-aligned (figures) or left-aligned (text).
    var rightAligned = false
    /// Share of the spare width it takes (0: fixed width).
    var flex = 0
    /// Lower values are kept first when the terminal is narrow.
    var priority: Int
}

/// One rendered cell of a table row.
struct TableCell {
    var text: String
    var role: Role
}

/// The fleet console's NODE column: its spec, placed right after the name column, and its cells.
enum NodeColumn {
    /// Shown after a stale node's name.
    static let staleMark = " STALE"

    /// `specs` with a NODE column after the name column when `fleet` is set.
    static func adding(to specs: [ColumnSpec], fleet: FleetState?) -> [ColumnSpec] {
        guard let fleet else { return specs }
        let width = max(4, fleet.nodes.map { DisplayWidth.of($0.name) }.max() ?? 0) + staleMark.count
        var out = specs
        out.insert(ColumnSpec(id: .node, title: "NODE", width: width, priority: 0), at: min(1, out.count))
        return out
    }

    /// The NODE cell of row `index` of `view`, and whether the row's node is stale.
    static func cell(_ state: ConsoleState, index: Int) -> (TableCell, stale: Bool)? {
        guard let fleet = state.fleet, let node = fleet.rowNodes.node(of: index, in: state.view) else { return nil }
        let stale = fleet.nodes.first { $0.name == node }?.isStale(at: state.now) ?? true
        return (TableCell(text: stale ? node + staleMark : node, role: stale ? .error : .headerValue), stale)
    }
}

/// Lays columns out to a width and draws rows: the shared body of the Domains, Queues and VMTAs views.
enum Table {
    /// The columns that fit in `width`, in their original order, with spare width given to flex columns.
    static func layout(_ specs: [ColumnSpec], width: Int) -> [ColumnSpec] {
        var chosen = Set<Int>()
        var used = -1
        for i in specs.indices.sorted(by: { specs[$0].priority < specs[$1].priority }) {
            if used + 1 + specs[i].width <= width { chosen.insert(i); used += 1 + specs[i].width }
        }
        var out = specs.indices.filter(chosen.contains).map { specs[$0] }
        let spare = max(0, width - used)
        let weights = out.reduce(0) { $0 + $1.flex }
        if weights > 0 {
            var given = 0
            for i in out.indices where out[i].flex > 0 {
                let extra = spare * out[i].flex / weights
                out[i].width += extra
                given += extra
            }
            if let last = out.indices.last(where: { out[$0].flex > 0 }) { out[last].width += spare - given }
        }
        return out
    }

    /// Draws the column titles at `y`, marking the sort column.
    static func drawTitles(_ columns: [ColumnSpec], sort: TableState, on canvas: inout Canvas, y: Int, glyphs: GlyphSet) {
        canvas.fill(x: 0, y: y, width: canvas.width, height: 1, role: .columnHeader)
        var x = 0
        for c in columns {
            var title = c.title
            if c.id == sort.sortColumn {
                let arrow = sort.descending ? glyphs.sortDescending : glyphs.sortAscending
                // Keep the arrow visible in a narrow column: shorten the title instead.
                title = String(title.prefix(max(0, c.width - DisplayWidth.of(arrow)))) + arrow
            }
            canvas.put(Format.pad(title, c.width, right: c.rightAligned, ellipsis: glyphs.ellipsis), x: x, y: y, role: .columnHeader)
            x += c.width + 1
        }
    }

    /// Draws one row at `y`; a selected row is drawn in the selection role throughout, a row of
    /// a stale fleet node (`greyed`) in the dim role.
    static func drawRow(_ cells: [ColumnID: TableCell], columns: [ColumnSpec], selected: Bool, greyed: Bool = false,
                        on canvas: inout Canvas, y: Int, glyphs: GlyphSet) {
        var x = 0
        for c in columns {
            let cell = cells[c.id] ?? TableCell(text: "", role: .normal)
            canvas.put(Format.pad(cell.text, c.width, right: c.rightAligned, ellipsis: glyphs.ellipsis), x: x, y: y, role: cell.role)
            x += c.width + 1
        }
        if selected {
            canvas.restyle(x: 0, y: y, width: canvas.width, role: .selection)
        } else if greyed {
            canvas.restyle(x: 0, y: y, width: canvas.width, role: .dim)
        }
    }

    /// Draws a centred notice in an empty table body.
    static func drawEmpty(_ text: String, on canvas: inout Canvas, y: Int) {
        let x = max(0, (canvas.width - DisplayWidth.of(text)) / 2)
        canvas.put(text, x: x, y: y, role: .dim)
    }
}
