/// The view tabs, with the current filter, sort and row count on the right.
enum TabBar {
    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet, y: Int) {
        canvas.fill(x: 0, y: y, width: canvas.width, height: 1, role: .tab)
        var x = 0
        for view in ConsoleView.allCases {
            let label = " \(view.rawValue) \(view.title) "
            x += canvas.put(label, x: x, y: y, role: view == state.view ? .tabActive : .tab)
        }
        var info: [String] = []
        if let t = state.table(state.view) {
            if !t.filter.isEmpty { info.append("filter: \(t.filter)") }
            let arrow = t.descending ? glyphs.sortDescending : glyphs.sortAscending
            info.append("sort: \(t.sortColumn.rawValue)\(arrow)")
            info.append(t.rows.isEmpty ? "0/0" : "\(t.selected + 1)/\(Format.count(t.rows.count))")
        } else if state.view == .diagnostics {
            if !state.diagnostics.filter.isEmpty { info.append("filter: \(state.diagnostics.filter)") }
            if state.diagnostics.frozenAt != nil { info.append("FROZEN") }
        }
        let text = info.joined(separator: "  ") + " "
        let room = canvas.width - x - 1
        guard room > 4 else { return }
        let shown = text.truncated(toWidth: room, ellipsis: glyphs.ellipsis)
        let role: Role = state.view == .diagnostics && state.diagnostics.frozenAt != nil ? .warn : .tab
        canvas.put(shown, x: canvas.width - DisplayWidth.of(shown), y: y, role: role)
    }
}
