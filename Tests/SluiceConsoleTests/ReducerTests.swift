import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import Testing

@Suite struct ReducerTests {
    @Test func selectionFollowsTheRowWhenTheOrderChanges() {
        var s = Fixture.state(width: 80, height: 24)
        Fixture.press([.down, .down], &s)
        #expect(s.domains.selectedName == "outlook.com")
        var snap = Fixture.snapshot
        snap.domains[2].figures.queued = 1_000_000
        _ = ConsoleReducer.reduce(&s, .snapshot(snap, at: Fixture.now))
        #expect(s.domains.selected == 0)
        #expect(s.domains.selectedName == "outlook.com")
    }

    @Test func sortsByComplaintRateWithRowsWithoutFiguresLast() {
        var s = Fixture.state(width: 160, height: 48)
        _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.reputationSnapshot, at: Fixture.now))
        // queued → delivered → deferred → refused → bounced → complaints-1h.
        Fixture.press([.char(">"), .char(">"), .char(">"), .char(">"), .char(">")], &s)
        #expect(s.domains.sortColumn == .complaintsHour && s.domains.descending)
        #expect(s.status?.text == "sorted by complaints-1h descending")
        let order = s.domains.rows.map { Fixture.reputationSnapshot.domains[$0].name }
        #expect(Array(order.prefix(3)) == ["hotmail.de", "gmail.com", "outlook.com"])
        #expect(Set(order.suffix(2)) == ["yahoo.com", "qq.com"])  // no rate in the hour
        Fixture.press([.char(">")], &s)
        #expect(s.domains.sortColumn == .complaintsDay)
        #expect(s.domains.rows.first.map { Fixture.reputationSnapshot.domains[$0].name } == "hotmail.de")  // 1.30 per 1,000
    }

    @Test func sortsByTimeInQueueAndRefusals() {
        var s = Fixture.state(width: 160, height: 48)
        // complaints-1h → complaints-24h → oldest → drain → p50 → p95.
        Fixture.press([.char(">"), .char(">"), .char(">"), .char(">"), .char(">"), .char(">"), .char(">")], &s)
        #expect(s.domains.sortColumn == .oldest && s.domains.descending)
        let names = { s.domains.rows.map { Fixture.snapshot.domains[$0].name } }
        #expect(Array(names().prefix(3)) == ["gmail.com", "yahoo.com", "outlook.com"])
        Fixture.press([.char(">")], &s)
        #expect(s.domains.sortColumn == .drain)
        #expect(names().first == "yahoo.com", "queued with nothing delivered never drains: first")
        Fixture.press([.char(">"), .char(">")], &s)
        #expect(s.domains.sortColumn == .latencyP95)
        #expect(names().first == "gmail.com", "its p95 is 50 s")
        Fixture.press([.char("<"), .char("<"), .char("<"), .char("<"), .char("<"), .char("<"), .char("<")], &s)
        #expect(s.domains.sortColumn == .refused)
        #expect(names().first == "yahoo.com", "TSS04 refusals at the greeting")
    }

    @Test func staleAfterFiveSilentSecondsAndOnConnectionLoss() {
        var s = Fixture.state(width: 80, height: 24)
        #expect(!s.isStale)
        _ = ConsoleReducer.reduce(&s, .tick(Fixture.now + TimeSpan.seconds(5)))
        #expect(s.isStale)
        _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.snapshot, at: Fixture.now + TimeSpan.seconds(6)))
        #expect(!s.isStale)
        _ = ConsoleReducer.reduce(&s, .connectionLost("connection refused"))
        #expect(s.isStale)
        let frame = ConsoleRenderer.render(s, glyphs: .ascii)
        #expect(frame.text(row: 0).contains("STALE"))
        #expect(frame.text(row: 22).contains("reconnecting: connection refused"))
    }

    @Test func requestResultsReachTheStatusLine() {
        var s = Fixture.state(width: 80, height: 24)
        let req = OperatorRequest.holdDomain(domain: "gmail.com", reason: "r", ttl: nil)
        _ = ConsoleReducer.reduce(&s, .requestFinished(req, .success("held gmail.com (control c-20)")))
        #expect(s.status == StatusMessage("hold gmail.com: held gmail.com (control c-20)", .ok))
        _ = ConsoleReducer.reduce(&s, .requestFinished(req, .failure(OperatorError("permission denied"))))
        #expect(s.status == StatusMessage("hold gmail.com failed: permission denied", .error))
        #expect(ConsoleRenderer.render(s, glyphs: .ascii).text(row: 22).contains("failed: permission denied"))
    }

    @Test func detailRefetchesSettingsAfterAnAction() {
        var s = Fixture.state(width: 80, height: 24)
        Fixture.press([.enter], &s)
        let effects = ConsoleReducer.reduce(&s, .requestFinished(.schedule(target: "gmail.com", reason: "r"), .success("")))
        #expect(effects == [.fetchSettings(target: "gmail.com")])
        _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .failure(OperatorError("no such queue"))))
        #expect(s.detail?.settingsError == "no such queue")
    }

    @Test func pristineFieldsReplaceOnTypingAndKeepOnEnter() {
        var f = TextField("held from console", prefilled: true)
        let handled = f.handle(.char("x"))
        #expect(handled)
        #expect(f.text == "x")
        var g = TextField("abc")
        _ = g.handle(.left)
        _ = g.handle(.char("X"))
        _ = g.handle(.backspace)
        _ = g.handle(.home)
        _ = g.handle(.delete)
        #expect(g.text == "bc")
        let enter = g.handle(.enter)
        #expect(!enter)
    }

    @Test func actionsOnTheWrongRowKindExplainThemselves() {
        var s = Fixture.state(width: 80, height: 24)
        Fixture.press([.char("3"), .char("h")], &s)
        #expect(s.modal == nil)
        #expect(s.status == StatusMessage("h (Hold) is not available in the VMTAs view", .info))
        Fixture.press([.enter, .char("h")], &s)
        #expect(s.detail?.target == .vmta("vmta1"))
        #expect(s.status == StatusMessage("h holds a domain: select a domain or queue", .error))
        Fixture.press([.escape, .char("1"), .enter, .char("p")], &s)
        #expect(s.status?.text.contains("p pauses a vmta or queue") == true, "gmail.com's only running queue is its trouble: \(String(describing: s.status))")
        #expect(s.modal == nil)
    }

    @Test func resizeKeepsTheSelectionVisible() {
        var s = Fixture.state(width: 160, height: 48)
        Fixture.press([.end], &s)
        _ = ConsoleReducer.reduce(&s, .resize(width: 80, height: 12))
        #expect(s.domains.scroll + s.pageSize > s.domains.selected)
        #expect(s.domains.scroll <= s.domains.selected)
        let tiny = ConsoleReducer.reduce(&s, .resize(width: 30, height: 8))
        #expect(tiny.isEmpty)
        #expect(ConsoleRenderer.render(s, glyphs: .ascii).text(row: 0).hasPrefix("terminal too small"))
    }

    @Test func diagnosticsFilters() {
        let e = Fixture.events
        #expect(e.filter(DiagnosticsFilter("domain:gmail.com").matches).count == 3)
        #expect(e.filter(DiagnosticsFilter("cat:bad-mailbox").matches).count == 2)
        #expect(e.filter(DiagnosticsFilter("class:5xx").matches).count == 2)
        #expect(e.filter(DiagnosticsFilter(#"\[TSS(04)?\]"#).matches).count == 2)
        #expect(e.filter(DiagnosticsFilter("[unclosed").matches).isEmpty)
        #expect(e.filter(DiagnosticsFilter("").matches).count == e.count)
        var s = Fixture.state(width: 80, height: 24)
        Fixture.press([.char("4"), .char("/")] + Fixture.type("cat:bad-mailbox") + [.enter], &s)
        #expect(ConsoleReducer.selectedEvent(s)?.recipient == "nobody@gmail.com")
        #expect(ConsoleReducer.selectedTarget(s) == .queue("gmail.com/vmta1"))
    }

    @Test func diagnosticsRingIsBounded() {
        var d = DiagnosticsState()
        let e = Fixture.events[0]
        for _ in 0..<30 { d.append(Array(repeating: e, count: 100)) }
        #expect(d.events.count <= DiagnosticsState.capacity + DiagnosticsState.capacity / 4)
        #expect(d.received == 3000)
    }
}
