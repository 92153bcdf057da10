import SluiceBase
import SluiceControlProtocol

/// The three header lines: identity and freshness (with the reputation loop's flow when the node
/// reports it, a badge while a DNS blocklist lists a vmta, and one while the fleet's Redis is unreachable), throughput, and load.
enum HeaderView {
    static func draw(_ state: ConsoleState, on canvas: inout Canvas, glyphs: GlyphSet) {
        let w = canvas.width
        canvas.fill(x: 0, y: 0, width: w, height: 1, role: .header)
        guard let snap = state.snapshot else {
            canvas.put(" sluice  waiting for the first snapshot…", x: 0, y: 0, role: .header)
            if let problem = state.connectionProblem {
                canvas.put(" " + problem, x: 0, y: 1, role: .error)
            }
            return
        }
        let s = snap.status
        // Line 0: node, uptime, freshness (the fleet console: its nodes and which are stale).
        var x = canvas.put(" sluice ", x: 0, y: 0, role: .header)
        if let fleet = state.fleet {
            x += drawFleet(fleet, now: state.now, on: &canvas, x: x, limit: w - 24)
        } else {
            x += canvas.put(s.node, x: x, y: 0, role: .headerValue, maxWidth: max(8, w - 40))
            x += canvas.put("  up ", x: x, y: 0, role: .header)
            x += canvas.put(Format.duration(seconds: s.uptimeS), x: x, y: 0, role: .headerValue)
        }
        let ageSeconds = state.snapshotAt.map { Double((state.now - $0).milliseconds) / 1000 } ?? 0
        let fresh: (String, Role) = if let past = state.past {
            (" VIEWING \(past.clock), read-only ", .warn)
        } else if state.isStale {
            (" STALE \(Format.duration(seconds: ageSeconds)) ", .error)
        } else {
            (" \(glyphs.bullet) updated \(Format.duration(seconds: ageSeconds)) ago ", .header)
        }
        let freshWidth = DisplayWidth.of(fresh.0)
        // The blocklist watch's badge, only while a DNS blocklist lists a vmta: before the freshness.
        let listed = snap.vmtas.filter { !$0.listings.isEmpty }.map(\.name)
        let listedBadge = listed.isEmpty ? "" : listed.count == 1 ? " \(listed[0]) LISTED " : " \(listed.count) vmtas LISTED "
        // A fleet node whose Redis is unreachable says so, with since when (it runs on its share).
        let badge = fleetBadge(s.fleet) + listedBadge
        let badgeX = w - freshWidth - DisplayWidth.of(badge) - 1
        if let r = s.reputation { drawReputation(r, on: &canvas, x: x, limit: badge.isEmpty ? w - freshWidth - 1 : badgeX - 1) }
        if !badge.isEmpty, badgeX > x { canvas.put(badge, x: badgeX, y: 0, role: .error) }
        if w - freshWidth > x { canvas.put(fresh.0, x: w - freshWidth, y: 0, role: fresh.1) }

        // Line 1: throughput with sparklines, deferral, refused-connection and bounce rates.
        let attempts = s.out.perS + s.out.deferredPerS + s.out.bouncedPerS
        let sparkWidth = max(4, min(60, (w - 70) / 2))
        x = canvas.put(" in ", x: 0, y: 1, role: .dim)
        x += canvas.put(Format.pad(Format.rate(s.in.perS) + "/s", 8, right: true), x: x, y: 1, role: .figure)
        x += 1 + canvas.put(Sparkline.render(s.history.in, width: sparkWidth, glyphs: glyphs), x: x + 1, y: 1, role: .sparkline)
        x += canvas.put("  out ", x: x, y: 1, role: .dim)
        x += canvas.put(Format.pad(Format.rate(s.out.perS) + "/s", 8, right: true), x: x, y: 1, role: .figure)
        x += 1 + canvas.put(Sparkline.render(s.history.out, width: sparkWidth, glyphs: glyphs), x: x + 1, y: 1, role: .sparkline)
        x += canvas.put("  defer ", x: x, y: 1, role: .dim)
        let deferPct = Format.percent(s.out.deferredPerS, of: attempts)
        x += canvas.put(deferPct, x: x, y: 1, role: s.out.deferredPerS > 0 ? .warn : .figure)
        x += canvas.put("  refused/m ", x: x, y: 1, role: .dim)
        x += canvas.put(Format.rate(s.out.refusedPerS * 60), x: x, y: 1, role: s.out.refusedPerS > 0 ? .warn : .figure)
        x += canvas.put("  bounce ", x: x, y: 1, role: .dim)
        canvas.put(Format.percent(s.out.bouncedPerS, of: attempts), x: x, y: 1, role: s.out.bouncedPerS > 0 ? .error : .figure)

        // Line 2: queue, spool, connections, controls.
        let holds = s.controls.filter { $0.kind == .hold }.count
        let pauses = s.controls.filter { $0.kind == .pause }.count
        x = canvas.put(" queued ", x: 0, y: 2, role: .dim)
        x += canvas.put(Format.count(s.queued), x: x, y: 2, role: .figure)
        x += canvas.put("  spool ", x: x, y: 2, role: .dim)
        x += canvas.put(Format.bytes(s.spool.bytes), x: x, y: 2, role: .figure)
        x += canvas.put(" (" + Format.bytes(s.spool.freeBytes) + " free)", x: x, y: 2, role: .dim)
        x += canvas.put("  conn in ", x: x, y: 2, role: .dim)
        x += canvas.put(Format.count(s.connections.in), x: x, y: 2, role: .figure)
        x += canvas.put(" out ", x: x, y: 2, role: .dim)
        x += canvas.put(Format.count(s.connections.out), x: x, y: 2, role: .figure)
        x += canvas.put("  holds ", x: x, y: 2, role: .dim)
        x += canvas.put(String(holds), x: x, y: 2, role: holds > 0 ? .held : .figure)
        x += canvas.put("  pauses ", x: x, y: 2, role: .dim)
        canvas.put(String(pauses), x: x, y: 2, role: pauses > 0 ? .paused : .figure)
    }

    /// ` fleet: degraded since 12:04:31Z ` while the node's Redis is unreachable; empty otherwise.
    static func fleetBadge(_ fleet: FleetFigures?) -> String {
        guard let fleet, fleet.isDegraded else { return "" }
        let since = fleet.degradedSince.map { " since " + Instant(milliseconds: Int64(($0 * 1000).rounded())).timeOfDayUTC } ?? ""
        return " fleet: degraded\(since) "
    }

    /// The fleet console's part of the first line: `fleet 3 nodes: a b c STALE 31s` (or the
    /// drill-down's `node b of 3`), up to column `limit`. Returns the width drawn.
    @discardableResult
    static func drawFleet(_ fleet: FleetState, now: Instant, on canvas: inout Canvas, x start: Int, limit: Int) -> Int {
        var x = start
        func put(_ text: String, _ role: Role) {
            guard x + DisplayWidth.of(text) <= limit else { return }
            x += canvas.put(text, x: x, y: 0, role: role)
        }
        if let focus = fleet.focus {
            put("node ", .header)
            put(focus, .headerValue)
            put(" of \(fleet.nodes.count)", .header)
        } else {
            put("fleet ", .header)
            put("\(fleet.nodes.count) nodes", .headerValue)
        }
        put(":", .header)
        for node in fleet.nodes {
            put(" " + node.name, node.name == fleet.focus ? .headerValue : .header)
            guard node.isStale(at: now) else { continue }
            let age = node.snapshotAt.map { " " + Format.duration(seconds: Double((now - $0).milliseconds) / 1000) } ?? ""
            put(" STALE" + age, .error)
        }
        return x - start
    }

    /// Suppressed injections and DSNs sent in the last minute, after the uptime on the first
    /// line, when they fit before column `limit`.
    static func drawReputation(_ r: ReputationTotals, on canvas: inout Canvas, x: Int, limit: Int) {
        let parts: [(String, Role)] = [("  suppr/m ", .header), (Format.count(r.suppressedLastMinute), .headerValue),
                                       ("  DSN/m ", .header), (Format.count(r.dsnsLastMinute), .headerValue)]
        guard x + parts.reduce(0, { $0 + DisplayWidth.of($1.0) }) <= limit else { return }
        var cx = x
        for (text, role) in parts { cx += canvas.put(text, x: cx, y: 0, role: role) }
    }
}
