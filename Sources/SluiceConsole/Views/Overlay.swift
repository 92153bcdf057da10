/// A framed box drawn over the view: help and forms.
enum Overlay {
    /// Draws a frame with `title` and clears its inside; returns the inner rectangle (x, y, width, height).
    static func frame(on canvas: inout Canvas, width: Int, height: Int, title: String, glyphs: GlyphSet) -> (x: Int, y: Int, width: Int, height: Int) {
        let w = min(width, canvas.width)
        let h = min(height, canvas.height)
        let x0 = (canvas.width - w) / 2
        let y0 = max(0, (canvas.height - h) / 2)
        canvas.fill(x: x0, y: y0, width: w, height: h, role: .overlay)
        let c = glyphs.corners
        let rule = String(repeating: glyphs.horizontal, count: max(0, w - 2))
        canvas.put(String(c[0]) + rule + String(c[1]), x: x0, y: y0, role: .title)
        canvas.put(String(c[2]) + rule + String(c[3]), x: x0, y: y0 + h - 1, role: .title)
        for y in (y0 + 1)..<max(y0 + 1, y0 + h - 1) {
            canvas.put(String(glyphs.vertical), x: x0, y: y, role: .title)
            canvas.put(String(glyphs.vertical), x: x0 + w - 1, y: y, role: .title)
        }
        canvas.put(" \(title) ", x: x0 + 2, y: y0, role: .title, maxWidth: max(0, w - 4))
        return (x0 + 2, y0 + 1, max(0, w - 4), max(0, h - 2))
    }

    /// `text` cut into lines of at most `width` display columns, at spaces where it can.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(candidate) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = String(word)
            while DisplayWidth.of(line) > width {
                var head = "", used = 0
                for c in line {
                    let w = DisplayWidth.of(c)
                    if used + w > width { break }
                    head.append(c)
                    used += w
                }
                guard !head.isEmpty else { break }
                lines.append(head)
                line = String(line.dropFirst(head.count))
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// The `?` help: every binding of the table, with its keys and help text.
enum HelpOverlay {
    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet) {
        let bindings = BindingTable.help(readOnly: state.readOnly, fleet: state.fleet != nil)
        let entries = bindings.map { b in (b.keys.map { $0.label(glyphs) }.joined(separator: " "), b.help) }
        let twoColumns = canvas.width >= 120 || entries.count > canvas.height - 6
        let perColumn = twoColumns ? (entries.count + 1) / 2 : entries.count
        let footer = "in prompts: \(glyphs.enterKey) confirms, Esc cancels; forms: Tab moves, space toggles"
        let box = Overlay.frame(on: &canvas, width: twoColumns ? min(canvas.width - 2, 150) : min(canvas.width - 2, 76),
                                height: perColumn + 4, title: state.readOnly ? "Help (read-only)" : "Help", glyphs: glyphs)
        let columnWidth = twoColumns ? (box.width - 2) / 2 : box.width
        let keyWidth = 11
        for (i, entry) in entries.enumerated() {
            let col = i / max(1, perColumn), row = i % max(1, perColumn)
            guard row < box.height - 2 else { continue }
            let x = box.x + col * (columnWidth + 2)
            canvas.put(Format.pad(entry.0, keyWidth, ellipsis: glyphs.ellipsis), x: x, y: box.y + row, role: .functionKey)
            canvas.put(entry.1.truncated(toWidth: columnWidth - keyWidth - 1, ellipsis: glyphs.ellipsis), x: x + keyWidth + 1, y: box.y + row, role: .overlay)
        }
        canvas.put(footer.truncated(toWidth: box.width, ellipsis: glyphs.ellipsis), x: box.x, y: box.y + box.height - 1, role: .dim)
    }
}

/// The throttle editor and the delete confirmation.
enum FormOverlay {
    static func draw(_ form: FormState, on canvas: inout Canvas, glyphs: GlyphSet) {
        let title: String
        switch form.purpose {
        case .throttle(let t): title = "Edit throttles: \(t)" + (form.loading ? " (loading current values…)" : "")
        case .delete(let t): title = "Delete the recipients of \(t)"
        case .deleteJob(let j): title = "Delete the queued recipients of job \(j), in every queue"
        case .replyRule(let template): title = "Reply rule from: \(template)"
        }
        let dryRunLines = form.purpose.isReplyRule ? 2 : 0
        let box = Overlay.frame(on: &canvas, width: min(canvas.width - 2, 84), height: form.fields.count + 5 + dryRunLines,
                                title: title, glyphs: glyphs)
        let labelWidth = min(26, box.width / 3)
        // A reply rule's pattern is long: its fields take the whole width.
        let inputWidth = form.purpose.isReplyRule ? max(6, box.width - labelWidth - 1) : min(22, max(6, box.width - labelWidth - 2))
        for (i, field) in form.fields.enumerated() {
            let y = box.y + i
            guard y < box.y + box.height - 2 else { break }
            let focused = i == form.focus
            canvas.put(Format.pad(field.label, labelWidth, ellipsis: glyphs.ellipsis), x: box.x, y: y, role: focused ? .title : .overlay)
            let ix = box.x + labelWidth + 1
            if field.isToggle {
                canvas.put(field.isOn ? "[x]" : "[ ]", x: ix, y: y, role: focused ? .selection : .input)
            } else if focused {
                StatusLine.drawField(field.input, on: &canvas, x: ix, y: y, width: inputWidth, role: field.error == nil ? .input : .error)
            } else {
                canvas.fill(x: ix, y: y, width: inputWidth, height: 1, role: field.error == nil ? .input : .error)
                canvas.put(field.input.text, x: ix, y: y, role: field.error == nil ? .input : .error, maxWidth: inputWidth)
            }
            if case .directive(_, let current, let origin) = field.kind, let current {
                let note = "now \(current)" + (origin.map { " (\($0))" } ?? "")
                let nx = ix + inputWidth + 1
                canvas.put(note.truncated(toWidth: box.x + box.width - nx, ellipsis: glyphs.ellipsis), x: nx, y: y, role: .dim)
            }
        }
        if form.purpose.isReplyRule {
            let y = box.y + form.fields.count + 1
            let text: String
            let role: Role
            if form.loading {
                (text, role) = ("dry run…", .dim)
            } else if let run = form.dryRun, form.dryRunIsCurrent {
                (text, role) = ("dry run: " + run.summary, run.matched == 0 ? .warn : .overlay)
            } else {
                (text, role) = ("the pattern changed: \(glyphs.enterKey) runs the dry run again", .warn)
            }
            for (i, line) in Overlay.wrap(text, width: box.width).prefix(2).enumerated() {
                canvas.put(line, x: box.x, y: y + i, role: role)
            }
        }
        let message = form.fields[form.focus].error ?? form.submitError ?? form.fields.lazy.compactMap(\.error).first
        if let message {
            canvas.put("! " + message.truncated(toWidth: box.width - 2, ellipsis: glyphs.ellipsis), x: box.x, y: box.y + box.height - 2, role: .error)
        }
        let hint = "Tab/Up/Down move · space toggles · \(glyphs.enterKey) apply · Esc cancel"
        canvas.put(hint.truncated(toWidth: box.width, ellipsis: glyphs.ellipsis), x: box.x, y: box.y + box.height - 1, role: .dim)
    }
}
