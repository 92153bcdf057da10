/// The bottom line: the current view's bindings, drawn from the binding table.
enum FunctionBar {
    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet, y: Int) {
        canvas.fill(x: 0, y: y, width: canvas.width, height: 1, role: .functionLabel)
        var x = 0
        for binding in BindingTable.functionBar(for: state.view, readOnly: state.readOnly, fleet: state.fleet != nil) {
            guard let label = binding.label, let key = binding.keys.first else { continue }
            let keyText = key.label(glyphs)
            let need = DisplayWidth.of(keyText) + DisplayWidth.of(label) + 1
            if x + need > canvas.width { break }
            x += canvas.put(keyText, x: x, y: y, role: .functionKey)
            x += canvas.put(label + " ", x: x, y: y, role: .functionLabel)
        }
        if state.readOnly {
            let tag = " READ-ONLY "
            let tx = canvas.width - tag.count
            if tx > x { canvas.put(tag, x: tx, y: y, role: .warn) }
        }
    }
}
