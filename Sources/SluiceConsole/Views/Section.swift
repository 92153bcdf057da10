/// A titled block of lines inside a rectangle: the building block of the Detail view.
struct Section {
    var title: String
    var lines: [[TableCell]]
    /// Index of the highlighted line, if any.
    var selected: Int?

    /// Draws the section at (x, y) within `width` and at most `height` rows; returns rows used.
    @discardableResult
    func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int, height: Int, glyphs: GlyphSet) -> Int {
        guard height > 0 else { return 0 }
        let rule = String(repeating: glyphs.horizontal, count: max(0, width - DisplayWidth.of(title) - 3))
        canvas.put("\(glyphs.horizontal) \(title) " + rule, x: x, y: y, role: .title, maxWidth: width)
        var used = 1
        let room = height - 1
        let first = selected.map { max(0, $0 - room + 1) } ?? 0
        for (i, line) in lines.enumerated().dropFirst(first).prefix(room) {
            var cx = x
            for cell in line {
                let left = x + width - cx
                if left <= 0 { break }
                cx += canvas.put(cell.text.truncated(toWidth: left, ellipsis: glyphs.ellipsis), x: cx, y: y + used, role: cell.role)
            }
            if i == selected { canvas.restyle(x: x, y: y + used, width: width, role: .selection) }
            used += 1
        }
        return used
    }
}
