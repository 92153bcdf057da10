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

    /// Draws one row at `y`; a selected row is drawn in the selection role throughout.
    static func drawRow(_ cells: [ColumnID: TableCell], columns: [ColumnSpec], selected: Bool,
                        on canvas: inout Canvas, y: Int, glyphs: GlyphSet) {
        var x = 0
        for c in columns {
            let cell = cells[c.id] ?? TableCell(text: "", role: .normal)
            canvas.put(Format.pad(cell.text, c.width, right: c.rightAligned, ellipsis: glyphs.ellipsis), x: x, y: y, role: cell.role)
            x += c.width + 1
        }
        if selected { canvas.restyle(x: 0, y: y, width: canvas.width, role: .selection) }
    }

    /// Draws a centred notice in an empty table body.
    static func drawEmpty(_ text: String, on canvas: inout Canvas, y: Int) {
        let x = max(0, (canvas.width - DisplayWidth.of(text)) / 2)
        canvas.put(text, x: x, y: y, role: .dim)
    }
}
