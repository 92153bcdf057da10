import SluiceControlProtocol

/// The live dsnDiag tail, oldest at the top, coloured by reply class.
enum DiagnosticsView {
    /// The role of an event's reply: 2xx ok, 4xx warn, 5xx error; without a code, by outcome.
    static func role(of e: EventRecord) -> Role {
        switch e.code / 100 {
        case 2: return .ok
        case 4: return .warn
        case 5: return .error
        default: return e.kind == "delivered" ? .ok : e.kind == "deferred" ? .warn : .error
        }
    }

    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet, top: Int, rows: Int) {
        let w = canvas.width
        let queueWidth = w >= 140 ? 30 : 22
        let recipientWidth = w >= 120 ? 28 : 0
        let categoryWidth = w >= 100 ? 20 : 0
        let showCode = w >= 120
        canvas.fill(x: 0, y: top, width: w, height: 1, role: .columnHeader)
        var x = canvas.put("TIME     ", x: 0, y: top, role: .columnHeader)
        x += canvas.put(Format.pad("QUEUE", queueWidth + 1), x: x, y: top, role: .columnHeader)
        if recipientWidth > 0 { x += canvas.put(Format.pad("RECIPIENT", recipientWidth + 1), x: x, y: top, role: .columnHeader) }
        canvas.put(showCode ? "CODE DIAGNOSTIC" : "DIAGNOSTIC", x: x, y: top, role: .columnHeader)
        if categoryWidth > 0 { canvas.put("CATEGORY", x: w - categoryWidth, y: top, role: .columnHeader) }

        let filter = DiagnosticsFilter(state.diagnostics.filter)
        let selected = state.diagnostics.selected
        let want = max(rows, selected + 1)
        var newestFirst: [EventRecord] = []
        for e in state.diagnostics.shown.reversed() where filter.matches(e) {
            newestFirst.append(e)
            if newestFirst.count >= want { break }
        }
        if newestFirst.isEmpty {
            let notice = state.diagnostics.filter.isEmpty ? "no delivery events yet" : "no events match '\(state.diagnostics.filter)'"
            Table.drawEmpty(notice, on: &canvas, y: top + 2)
            return
        }
        let start = max(0, selected - rows + 1)
        let window = Array(newestFirst[start..<min(newestFirst.count, start + rows)].reversed())
        for (line, e) in window.enumerated() {
            let y = top + 1 + line
            let role = role(of: e)
            var x = canvas.put(Format.clock(e.time) + " ", x: 0, y: y, role: .dim)
            x += canvas.put(Format.pad(e.queue, queueWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, role: .normal)
            if recipientWidth > 0 {
                x += canvas.put(Format.pad(e.recipient, recipientWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, role: .dim)
            }
            if showCode { x += canvas.put(Format.pad(e.code == 0 ? "---" : String(e.code), 4), x: x, y: y, role: role) }
            let diagWidth = w - x - (categoryWidth > 0 ? categoryWidth + 1 : 0)
            let diag = e.dsnDiag.isEmpty ? e.kind : e.dsnDiag
            canvas.put(diag.truncated(toWidth: diagWidth, ellipsis: glyphs.ellipsis), x: x, y: y, role: role)
            if categoryWidth > 0, !e.category.isEmpty {
                canvas.put(e.category.truncated(toWidth: categoryWidth, ellipsis: glyphs.ellipsis), x: w - categoryWidth, y: y, role: .category)
            }
            if start + (window.count - 1 - line) == selected { canvas.restyle(x: 0, y: y, width: w, role: .selection) }
        }
    }
}
