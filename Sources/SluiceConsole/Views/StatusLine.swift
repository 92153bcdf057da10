/// The line above the function bar: a prompt or the filter being typed, else the last message.
enum StatusLine {
    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet, y: Int) {
        canvas.fill(x: 0, y: y, width: canvas.width, height: 1, role: .status)
        switch state.modal {
        case .prompt(let prompt):
            let x = canvas.put(" \(prompt.request.summary.capitalizedFirst) — reason: ", x: 0, y: y, role: .title)
            drawField(prompt.field, on: &canvas, x: x, y: y, width: canvas.width - x - 1, role: .input)
            return
        case .filter(let field, _):
            let x = canvas.put(" /", x: 0, y: y, role: .title)
            drawField(field, on: &canvas, x: x, y: y, width: canvas.width - x - 1, role: .input)
            return
        case .command(let line):
            let x = canvas.put(" :", x: 0, y: y, role: .title)
            // The candidates of the last Tab, right-aligned, take at most half the line.
            let options = line.candidates.joined(separator: " ").truncated(toWidth: canvas.width / 2, ellipsis: glyphs.ellipsis)
            let optionsWidth = options.isEmpty ? 0 : DisplayWidth.of(options) + 2
            drawField(line.field, on: &canvas, x: x, y: y, width: canvas.width - x - 1 - optionsWidth, role: .input)
            if !options.isEmpty { canvas.put(options, x: canvas.width - optionsWidth + 1, y: y, role: .dim) }
            return
        case .jump(let field):
            let x = canvas.put(" jump to: ", x: 0, y: y, role: .title)
            drawField(field, on: &canvas, x: x, y: y, width: canvas.width - x - 1, role: .input)
            return
        default: break
        }
        if let problem = state.connectionProblem {
            canvas.put(" reconnecting: \(problem)", x: 0, y: y, role: .error)
        } else if let status = state.status {
            let role: Role = switch status.kind {
            case .ok: .ok
            case .error: .error
            case .info: .status
            }
            canvas.put(" " + status.text.truncated(toWidth: canvas.width - 2, ellipsis: glyphs.ellipsis), x: 0, y: y, role: role)
        }
    }

    /// Draws an input field with its cursor (the cursor cell in the selection role).
    static func drawField(_ field: TextField, on canvas: inout Canvas, x: Int, y: Int, width: Int, role: Role) {
        guard width > 0 else { return }
        canvas.fill(x: x, y: y, width: width, height: 1, role: role)
        let chars = Array(field.text)
        // Keep the cursor in view: show the tail when the text is wider than the field.
        var start = 0
        while start < field.cursor, DisplayWidth.of(String(chars[start..<field.cursor])) >= width { start += 1 }
        let visible = String(chars[start...])
        canvas.put(visible, x: x, y: y, role: field.pristine ? .dim : role, maxWidth: width)
        if field.pristine { canvas.restyle(x: x, y: y, width: min(width, DisplayWidth.of(visible)), role: .input) }
        let cursorX = x + DisplayWidth.of(String(chars[start..<field.cursor]))
        if cursorX < x + width { canvas.restyle(x: cursorX, y: y, width: 1, role: .selection) }
    }
}

extension String {
    /// The text with its first letter in upper case.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
