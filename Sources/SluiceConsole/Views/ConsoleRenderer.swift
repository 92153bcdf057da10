/// Renders the whole screen: a pure function of the console state, the size in the state and the
/// glyph set. Colours are applied later by the terminal backend, from the cells' roles.
public enum ConsoleRenderer {
    /// The frame for `state`.
    public static func render(_ state: ConsoleState, glyphs: GlyphSet) -> Canvas {
        var canvas = Canvas(width: state.width, height: state.height)
        guard state.width >= Layout.minimumWidth, state.height >= Layout.minimumHeight else {
            let text = "terminal too small: \(state.width)x\(state.height) (need \(Layout.minimumWidth)x\(Layout.minimumHeight))"
            canvas.put(text, x: 0, y: 0, role: .error)
            return canvas
        }
        HeaderView.draw(state, on: &canvas, glyphs: glyphs)
        TabBar.draw(state, on: &canvas, glyphs: glyphs, y: Layout.headerLines)
        let top = Layout.bodyTop
        let rows = state.pageSize
        switch state.view {
        case .domains, .queues:
            if let snapshot = state.snapshot {
                QueueTableView.draw(state, snapshot: snapshot, on: &canvas, glyphs: glyphs, top: top, rows: rows)
            } else {
                Table.drawEmpty("waiting for the daemon…", on: &canvas, y: top + 2)
            }
        case .vmtas:
            if let snapshot = state.snapshot {
                VMTATableView.draw(state, snapshot: snapshot, on: &canvas, glyphs: glyphs, top: top, rows: rows)
            } else {
                Table.drawEmpty("waiting for the daemon…", on: &canvas, y: top + 2)
            }
        case .jobs:
            if let snapshot = state.snapshot {
                JobsTableView.draw(state, snapshot: snapshot, on: &canvas, glyphs: glyphs, top: top, rows: rows)
            } else {
                Table.drawEmpty("waiting for the daemon…", on: &canvas, y: top + 2)
            }
        case .diagnostics:
            DiagnosticsView.draw(state, on: &canvas, glyphs: glyphs, top: top, rows: rows)
        case .detail:
            DetailView.draw(state, on: &canvas, glyphs: glyphs, top: top, rows: rows)
        case .patterns:
            PatternsView.draw(state, on: &canvas, glyphs: glyphs, top: top, rows: rows)
        }
        StatusLine.draw(state, on: &canvas, glyphs: glyphs, y: state.height - 2)
        FunctionBar.draw(state, on: &canvas, glyphs: glyphs, y: state.height - 1)
        switch state.modal {
        case .help: HelpOverlay.draw(state, on: &canvas, glyphs: glyphs)
        case .form(let form): FormOverlay.draw(form, on: &canvas, glyphs: glyphs)
        case .prompt, .filter, .command, .jump, nil: break
        }
        return canvas
    }
}
