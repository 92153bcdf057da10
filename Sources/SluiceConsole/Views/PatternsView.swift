import SluiceControlProtocol

/// The Patterns view: deferral and bounce reply templates of the last hour, most frequent
/// first, each with its count, a per-minute sparkline, first and last seen and the domain it
/// hits most with its share of that domain's deferrals; under the list, the selected
/// template in full with every domain and vmta it hits.
enum PatternsView {
    /// Lines of the selected template's panel under the list (none on small screens).
    static func panelLines(pageSize: Int) -> Int { pageSize >= 12 ? 5 : 0 }

    /// Rows of the list at a page size.
    static func listRows(pageSize: Int) -> Int { max(1, pageSize - panelLines(pageSize: pageSize)) }

    /// `yahoo.com 97%`: a name and the template's share of its deferrals.
    static func share(_ s: PatternRow.Share) -> String { "\(s.name) \(Int((s.share * 100).rounded()))%" }

    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet, top: Int, rows: Int) {
        let w = canvas.width
        let wide = w >= 120
        let sparkWidth = wide ? 30 : 12
        let domainWidth = wide ? 24 : 16
        let vmtaWidth = wide ? 16 : 0
        canvas.fill(x: 0, y: top, width: w, height: 1, role: .columnHeader)
        var x = canvas.put(Format.pad("REPL/h", 7, right: true) + " ", x: 0, y: top, role: .columnHeader)
        if wide { x += canvas.put(Format.pad("BNC", 6, right: true) + " ", x: x, y: top, role: .columnHeader) }
        x += canvas.put(Format.pad("LAST 60 MIN", sparkWidth) + " ", x: x, y: top, role: .columnHeader)
        if wide { x += canvas.put("FIRST    ", x: x, y: top, role: .columnHeader) }
        x += canvas.put("LAST     ", x: x, y: top, role: .columnHeader)
        x += canvas.put(Format.pad("DOMAIN (SHARE)", domainWidth) + " ", x: x, y: top, role: .columnHeader)
        if vmtaWidth > 0 { x += canvas.put(Format.pad("VMTA (SHARE)", vmtaWidth) + " ", x: x, y: top, role: .columnHeader) }
        canvas.put("TEMPLATE", x: x, y: top, role: .columnHeader)

        let patterns = state.snapshot?.patterns ?? []
        guard !patterns.isEmpty else {
            Table.drawEmpty(state.snapshot == nil ? "waiting for the daemon…" : "no deferral or bounce replies in the last hour",
                            on: &canvas, y: top + 2)
            return
        }
        let list = listRows(pageSize: rows)
        let selected = state.patterns.selected
        for line in 0..<list {
            let i = state.patterns.scroll + line
            guard patterns.indices.contains(i) else { break }
            let p = patterns[i]
            let y = top + 1 + line
            let role: Role = p.bounced > p.deferred ? .error : .warn
            var x = canvas.put(Format.pad(Format.count(p.count), 7, right: true) + " ", x: 0, y: y, role: .figure)
            if wide { x += canvas.put(Format.pad(Format.count(p.bounced), 6, right: true) + " ", x: x, y: y, role: .figure) }
            x += canvas.put(Sparkline.render(p.perMinute, width: sparkWidth, glyphs: glyphs, compress: true) + " ", x: x, y: y, role: .sparkline)
            if wide { x += canvas.put(Format.clock(p.firstSeen) + " ", x: x, y: y, role: .dim) }
            x += canvas.put(Format.clock(p.lastSeen) + " ", x: x, y: y, role: .dim)
            let domain = p.domains.first.map(share) ?? ""
            x += canvas.put(Format.pad(domain, domainWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, role: .normal)
            if vmtaWidth > 0 {
                let vmta = p.vmtas.count == 1 ? share(p.vmtas[0]) : "\(p.vmtas.count) vmtas"
                x += canvas.put(Format.pad(vmta, vmtaWidth, ellipsis: glyphs.ellipsis) + " ", x: x, y: y, role: .normal)
            }
            canvas.put(p.template.truncated(toWidth: w - x, ellipsis: glyphs.ellipsis), x: x, y: y, role: role)
            if i == selected { canvas.restyle(x: 0, y: y, width: w, role: .selection) }
        }
        let panel = panelLines(pageSize: rows)
        guard panel > 0, patterns.indices.contains(selected) else { return }
        drawPanel(patterns[selected], on: &canvas, glyphs: glyphs, top: top + 1 + list, lines: panel)
    }

    /// The selected template in full: the template over two lines, the domains and vmtas it
    /// hits with their shares, and the newest reply as received.
    static func drawPanel(_ p: PatternRow, on canvas: inout Canvas, glyphs: GlyphSet, top: Int, lines: Int) {
        let w = canvas.width
        canvas.fill(x: 0, y: top, width: w, height: 1, role: .title, character: glyphs.horizontal)
        let title = " \(Format.count(p.deferred)) deferred, \(Format.count(p.bounced)) bounced in the last hour "
        canvas.put(title, x: 2, y: top, role: .title)
        let template = p.template
        let first = String(template.prefix(w))
        canvas.put(first, x: 0, y: top + 1, role: .normal, maxWidth: w)
        let rest = String(template.dropFirst(first.count))
        if !rest.isEmpty { canvas.put(rest.truncated(toWidth: w, ellipsis: glyphs.ellipsis), x: 0, y: top + 2, role: .normal) }
        let shareText: ([PatternRow.Share]) -> String = { $0.map { "\($0.name) \(Format.count($0.count)) (\(Int(($0.share * 100).rounded()))%)" }.joined(separator: "  ") }
        var x = canvas.put("domains ", x: 0, y: top + 3, role: .dim)
        canvas.put(shareText(p.domains).truncated(toWidth: w - x, ellipsis: glyphs.ellipsis), x: x, y: top + 3, role: .normal)
        x = canvas.put("vmtas   ", x: 0, y: top + 4, role: .dim)
        canvas.put(shareText(p.vmtas).truncated(toWidth: w - x, ellipsis: glyphs.ellipsis), x: x, y: top + 4, role: .normal)
    }
}
