import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import Testing

/// One reducer test per binding: the table is iterated, so a binding added without a check fails.
@Suite struct BindingTests {
    typealias Check = @Sendable (Key) -> Void

    static func domainsState() -> ConsoleState { Fixture.state(width: 80, height: 24) }

    static func selectedName(_ s: ConsoleState) -> String? { s.table(s.view)?.selectedName }

    static let checks: [ConsoleAction: Check] = [
        .nextNode: { key in
            var s = FleetFixture.state(width: 80, height: 24)
            Fixture.press([key], &s)
            #expect(s.fleet?.focus == "a")
            #expect(s.domains.rows.count == Fixture.domains.count)
            var one = domainsState(); Fixture.press([key], &one)
            #expect(one.fleet == nil && one.status?.kind == .info, "the one-node console only explains")
        },
        .showDomains: { key in
            var s = domainsState(); Fixture.press([.char("3")], &s)
            Fixture.press([key], &s)
            #expect(s.view == .domains)
        },
        .showQueues: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .queues)
            #expect(s.queues.rows.count == Fixture.queues.count)
        },
        .showVMTAs: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .vmtas)
            #expect(selectedName(s) == "vmta1")
        },
        .showDiagnostics: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .diagnostics)
            #expect(ConsoleReducer.selectedEvent(s) == Fixture.events.last)
        },
        .showDetail: { key in
            var s = domainsState()
            let effects = Fixture.press([.down, key], &s)
            #expect(s.view == .detail)
            #expect(s.detail?.target == .domain("yahoo.com"))
            #expect(effects == [.fetchSettings(target: "yahoo.com"), .fetchSeries(kind: .domain, name: "yahoo.com")])
            // The history graphs: the last hour, six hours and day of the target.
            var g = Fixture.state(width: 160, height: 48)
            Fixture.press([key], &g)
            _ = ConsoleReducer.reduce(&g, .seriesLoaded(kind: .domain, name: "gmail.com", .success(Fixture.gmailHistory)))
            #expect(g.detail?.history?.count == 1440)
            let screen = ConsoleRenderer.render(g, glyphs: .ascii).text
            #expect(screen.contains("History: delivered/min, deferred/min"))
            #expect(screen.contains("24h"))
        },
        .showPatterns: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .patterns)
            #expect(ConsoleReducer.selectedTarget(s) == .domain("gmail.com"), "the most frequent template's domain")
            Fixture.press([.down], &s)
            #expect(s.patterns.selectedTemplate?.contains("TSS04") == true)
            #expect(ConsoleReducer.selectedTarget(s) == .domain("yahoo.com"))
            // h holds the selected template's domain.
            Fixture.press([.char("h")], &s)
            #expect(s.modal == .prompt(ReasonPrompt(request: .releaseDomain(domain: "yahoo.com", reason: ""))))
        },
        .showJobs: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .jobs)
            #expect(selectedName(s) == "newsletter-2611", "the job with the most recipients queued first")
            #expect(s.jobs.rows.map { Fixture.jobs[$0].name } == ["newsletter-2611", "winback-q4", "receipts", "promo-1125"])
            #expect(ConsoleReducer.selectedJob(s)?.name == "newsletter-2611")
            // p pauses the selected job, D deletes it after typing its name.
            #expect(Fixture.press([.char("p"), .enter], &s)
                    == [.request(.pauseJob(job: "newsletter-2611", reason: "paused from console", ttl: nil))])
            #expect(Fixture.press([.down, .char("p"), .enter], &s) == [.request(.resumeJob(job: "winback-q4", reason: "resumed from console"))])
            Fixture.press([.char("D")], &s)
            let effects = Fixture.press(Fixture.type("winback-q4") + [.enter], &s)
            #expect(effects == [.request(.deleteJob(job: "winback-q4", bounce: false, reason: "deleted from console"))])
            // Filters: by name, or a state word.
            Fixture.press([.char("/")] + Fixture.type("paused") + [.enter], &s)
            #expect(s.jobs.rows.map { Fixture.jobs[$0].name } == ["winback-q4"])
            Fixture.press([.char("/"), .ctrl("u")] + Fixture.type("done") + [.enter], &s)
            #expect(s.jobs.rows.map { Fixture.jobs[$0].name } == ["promo-1125"])
            // Enter has no Detail for a job: it says so.
            Fixture.press([.enter], &s)
            #expect(s.view == .jobs && s.status?.kind == .info)
        },
        .stepBack: { key in
            // Three minutes back: the frame of the minute the Yahoo incident began, read-only.
            var s = domainsState()
            let newest = Fixture.newestMinute
            #expect(Fixture.press([key], &s) == [.fetchFrame(minute: newest)])
            #expect(Fixture.press([key, key], &s) == [.fetchFrame(minute: newest - 1), .fetchFrame(minute: newest - 2)])
            _ = ConsoleReducer.reduce(&s, .frameLoaded(minute: newest - 2, .success(Fixture.incidentFrame)))
            #expect(s.past?.minute == newest - 2)
            #expect(s.domains.rows.map { s.snapshot?.domains[$0].name } == ["gmail.com", "yahoo.com", "outlook.com"])
            #expect(s.snapshot?.domains.first { $0.name == "yahoo.com" }?.figures.refusedPerMin == 38)
            let header = ConsoleRenderer.render(s, glyphs: .ascii).text.split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.contains("VIEWING \(Fixture.incidentFrame.clock), read-only"))
            // Live snapshots wait aside; actions are refused while in the past.
            _ = ConsoleReducer.reduce(&s, .snapshot(Fixture.snapshot, at: Fixture.now + TimeSpan.seconds(1)))
            #expect(s.snapshot?.domains.count == 3, "still the past")
            #expect(Fixture.press([.char("h")], &s).isEmpty && s.modal == nil && s.status?.kind == .error)
            #expect(Fixture.press([.char(":")] + Fixture.type("hold gmail.com") + [.enter], &s).isEmpty)
            // Esc: live again, with the newest snapshot.
            Fixture.press([.escape], &s)
            #expect(s.past == nil && s.snapshot == Fixture.snapshot)
            // The history keeps 24 hours.
            var old = domainsState()
            Fixture.press(Array(repeating: key, count: 1441), &old)
            #expect(old.past?.minute == newest - 1439)
            #expect(old.status?.text.hasPrefix("the history keeps 24 hours") == true)
        },
        .stepForward: { key in
            var s = domainsState()
            Fixture.press([key], &s)
            #expect(s.past == nil && s.status?.kind == .info, "live already")
            Fixture.press([.char("["), .char("[")], &s)
            #expect(Fixture.press([key], &s) == [.fetchFrame(minute: Fixture.newestMinute)])
            Fixture.press([key], &s)
            #expect(s.past == nil, "past the newest minute: live")
            #expect(s.snapshot == Fixture.snapshot)
        },
        .jumpToIncident: { key in
            // From another view with the cursor elsewhere: Domains, yahoo.com (the TSS04 storm).
            var s = domainsState(); Fixture.press([.char("3"), .down, key], &s)
            #expect(s.view == .domains)
            #expect(selectedName(s) == "yahoo.com")
            #expect(s.status?.text.hasPrefix("newest incident: yahoo.com") == true)
            // A filter hiding the domain is cleared.
            var f = domainsState(); Fixture.press([.char("/")] + Fixture.type("gmail") + [.enter, key], &f)
            #expect(selectedName(f) == "yahoo.com")
        },
        .commandLine: { key in
            var s = domainsState()
            Fixture.press([key] + Fixture.type("ho") + [.tab] + Fixture.type("ya") + [.tab], &s)
            #expect(s.modal == .command({ var l = CommandLineState(); l.field = TextField("hold yahoo.com "); return l }()))
            let effects = Fixture.press(Fixture.type("30m TSS04 storm") + [.enter], &s)
            #expect(effects == [.request(.holdDomain(domain: "yahoo.com", reason: "TSS04 storm", ttl: .minutes(30)))])
            #expect(s.modal == nil)
            // An error goes to the status line.
            Fixture.press([key] + Fixture.type("pause nosuch") + [.enter], &s)
            #expect(s.status == StatusMessage(":pause nosuch: no vmta nosuch", .error))
        },
        .quickJump: { key in
            var s = domainsState()
            Fixture.press([key, .char("o")], &s)
            #expect(selectedName(s) == "outlook.com")
            Fixture.press([.char("x")], &s)
            #expect(selectedName(s) == "outlook.com", "no row starts with ox: the cursor stays")
            Fixture.press([.backspace, .backspace, .char("Q"), .enter], &s)
            #expect(selectedName(s) == "qq.com")
            #expect(s.modal == nil)
            // Letters typed in the jump prompt are not actions: h did not open a hold prompt.
            Fixture.press([key, .char("h"), .enter], &s)
            #expect(selectedName(s) == "hotmail.de")
            #expect(s.modal == nil)
        },
        .focusTTL: { key in
            var s = domainsState()
            Fixture.press([.char("e")], &s)
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            let effects = Fixture.press(Fixture.type("10/s") + [key] + Fixture.type("1h") + [.enter], &s)
            #expect(effects == [.request(.setThrottle(target: "gmail.com", settings: [ThrottleSetting(directive: "max-msg-rate", value: "10/s")],
                                                      ttl: .hours(1), persist: false, reason: "throttled from console"))])
            // Outside the editor it only says where it works.
            var d = domainsState(); Fixture.press([key], &d)
            #expect(d.modal == nil && d.status?.kind == .info)
        },
        .nextView: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .queues)
        },
        .previousView: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.view == .jobs, "Detail is skipped until a row was opened")
        },
        .help: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.modal == .help)
            Fixture.press([.escape], &s)
            #expect(s.modal == nil)
        },
        .quit: { key in
            var s = domainsState()
            #expect(Fixture.press([key], &s) == [.quit])
        },
        .moveUp: { key in
            var s = domainsState(); Fixture.press([.down, .down, key], &s)
            #expect(s.domains.selected == 1)
            #expect(selectedName(s) == "yahoo.com")
        },
        .moveDown: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(selectedName(s) == "yahoo.com")
        },
        .pageDown: { key in
            var s = Fixture.state(width: 80, height: 12)
            #expect(s.pageSize == 5)
            Fixture.press([key], &s)
            #expect(s.domains.selected == 5)
            #expect(s.domains.scroll == 1, "the selection stays on screen")
            // In Detail it scrolls the effective settings instead.
            var d = Fixture.state(width: 80, height: 24)
            Fixture.press([.enter], &d)
            _ = ConsoleReducer.reduce(&d, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            Fixture.press([key], &d)
            #expect(d.detail?.settingsScroll == d.pageSize / 2)
            #expect(ConsoleRenderer.render(d, glyphs: .ascii).text.contains("^ 8 more (PgUp)"))
        },
        .pageUp: { key in
            var s = Fixture.state(width: 80, height: 12)
            Fixture.press([.end, key], &s)
            #expect(s.domains.selected == 1)
            var d = Fixture.state(width: 80, height: 24)
            Fixture.press([.enter], &d)
            _ = ConsoleReducer.reduce(&d, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            Fixture.press([.pageDown, .pageDown, key], &d)
            #expect(d.detail?.settingsScroll == 12 - 8, "two pages down stop at the last setting (12), one page up is 8 back")
        },
        .moveTop: { key in
            var s = domainsState(); Fixture.press([.down, .down, key], &s)
            #expect(s.domains.selected == 0)
        },
        .moveBottom: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(selectedName(s) == "icloud.com")
        },
        .sortLeft: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.domains.sortColumn == .name)
            #expect(s.domains.descending == false)
            let names = s.domains.rows.map { Fixture.domains[$0].name }
            #expect(names == names.sorted())
        },
        .sortRight: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.domains.sortColumn == .delivered)
            #expect(s.domains.rows.map { Fixture.domains[$0].name }.first == "outlook.com")
        },
        .invertSort: { key in
            var s = domainsState(); Fixture.press([key], &s)
            #expect(s.domains.descending == false)
            #expect(s.domains.rows.map { Fixture.domains[$0].name }.first == "icloud.com")
        },
        .filter: { key in
            var s = domainsState()
            Fixture.press([key] + Fixture.type("gmail.com") + [.enter], &s)
            #expect(s.domains.filter == "gmail.com")
            #expect(s.domains.rows.map { Fixture.domains[$0].name } == ["gmail.com"])
            // Esc while typing restores the previous filter.
            Fixture.press([key] + Fixture.type("xyz") + [.escape], &s)
            #expect(s.domains.filter == "gmail.com")
            // A state word filters by state.
            Fixture.press([key, .ctrl("u")] + Fixture.type("held") + [.enter], &s)
            #expect(s.domains.rows.map { Fixture.domains[$0].name } == ["yahoo.com"])
        },
        .back: { key in
            var s = domainsState()
            Fixture.press([.char("/")] + Fixture.type("gmail") + [.enter, key], &s)
            #expect(s.domains.filter.isEmpty)
            Fixture.press([.char("3"), .enter, key], &s)
            #expect(s.view == .vmtas, "Esc leaves Detail for the view it came from")
        },
        .freeze: { key in
            var s = domainsState(); Fixture.press([.char("4"), key], &s)
            #expect(s.diagnostics.frozenAt == Fixture.events.count)
            let later = EventRecord(time: Fixture.nowS, kind: "delivered", queue: "x.org/vmta1", recipient: "a@x.org", code: 250, dsnDiag: "250 ok", category: "")
            _ = ConsoleReducer.reduce(&s, .events([later]))
            #expect(s.diagnostics.shown.count == Fixture.events.count, "a frozen tail does not move")
            Fixture.press([key], &s)
            #expect(s.diagnostics.shown.last == later)
        },
        .hold: { key in
            // The issue's flow: `/gmail.com` Enter, then `h` Enter holds gmail.com with the default reason.
            var s = domainsState()
            let effects = Fixture.press([.char("/")] + Fixture.type("gmail.com") + [.enter, key, .enter], &s)
            #expect(effects == [.request(.holdDomain(domain: "gmail.com", reason: "held from console", ttl: nil))])
            // A held domain is released, with a typed reason replacing the default.
            var t = domainsState()
            let release = Fixture.press([.down, key] + Fixture.type("storm over") + [.enter], &t)
            #expect(release == [.request(.releaseDomain(domain: "yahoo.com", reason: "storm over"))])
            // Esc cancels.
            var u = domainsState()
            #expect(Fixture.press([key, .escape], &u).isEmpty)
            #expect(u.modal == nil)
        },
        .pause: { key in
            var s = domainsState(); Fixture.press([.char("3")], &s)
            #expect(Fixture.press([key, .enter], &s) == [.request(.pauseVMTA(name: "vmta1", reason: "paused from console", ttl: nil))])
            #expect(Fixture.press([.down, key, .enter], &s) == [.request(.resumeVMTA(name: "vmta2", reason: "resumed from console"))])
            var q = domainsState(); Fixture.press([.char("2")], &q)
            #expect(Fixture.press([key, .enter], &q) == [.request(.pauseQueue(queue: "gmail.com/vmta1", reason: "paused from console", ttl: nil))])
            // On a domain: the one queue its deferrals come from (Gmail deferring vmta2 while vmta1 delivers).
            var d = domainsState()
            var snapshot = Fixture.snapshot
            snapshot.queues[0].figures.deferredPerMin = 12
            snapshot.queues[1].figures = Fixture.figures(queued: 12_040, dlv: 0, def: 900, bnc: 0, conn: 2, error: Fixture.gmailError)
            _ = ConsoleReducer.reduce(&d, .snapshot(snapshot, at: Fixture.now))
            #expect(Fixture.press([key, .enter], &d) == [.request(.pauseQueue(queue: "gmail.com/vmta2", reason: "paused from console", ttl: nil))])
            // Gmail deferring every vmta alike: nothing stands out, h is the answer.
            var all = domainsState(); Fixture.press([key], &all)
            #expect(all.modal == nil && all.status?.text.contains("none stands out for gmail.com") == true)
        },
        .editThrottles: { key in
            var s = domainsState()
            #expect(Fixture.press([key], &s) == [.fetchSettings(target: "gmail.com")])
            _ = ConsoleReducer.reduce(&s, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            guard case .form(let form) = s.modal else { Issue.record("no form"); return }
            #expect(form.fields[0].input.text == "5/s", "prefilled with the current value")
            // Invalid as typed: refused, with the parser's message.
            Fixture.press(Fixture.type("20/q") + [.enter], &s)
            guard case .form(let bad) = s.modal else { Issue.record("form closed on invalid input"); return }
            #expect(bad.fields[0].error?.contains("expected a rate") == true)
            // Fixed, with a TTL and persist.
            Fixture.press([.backspace, .char("s"), .tab, .tab, .tab, .tab, .tab, .tab, .tab] + Fixture.type("30m") + [.tab, .char(" "), .enter], &s)
            #expect(s.modal == nil)
            // (the effect was returned by the last key)
            var t = domainsState()
            Fixture.press([key], &t)
            _ = ConsoleReducer.reduce(&t, .settingsLoaded(target: "gmail.com", .success(Fixture.gmailSettings)))
            let effects = Fixture.press(Fixture.type("20/s") + [.tab, .tab, .tab, .tab, .tab, .tab, .tab] + Fixture.type("30m") + [.tab, .char(" "), .enter], &t)
            #expect(effects == [.request(.setThrottle(target: "gmail.com", settings: [ThrottleSetting(directive: "max-msg-rate", value: "20/s")],
                                                     ttl: .minutes(30), persist: true, reason: "throttled from console"))])
        },
        .toggleBackoff: { key in
            var s = domainsState()
            #expect(Fixture.press([key, .enter], &s) == [.request(.setMode(target: "gmail.com", mode: .normal, reason: "normal mode set from console"))])
            #expect(Fixture.press([.down, .down, key, .enter], &s) == [.request(.setMode(target: "outlook.com", mode: .backoff, reason: "backoff mode set from console"))])
        },
        .schedule: { key in
            var s = domainsState(); Fixture.press([.char("2")], &s)
            #expect(Fixture.press([key, .enter], &s) == [.request(.schedule(target: "gmail.com/vmta1", reason: "scheduled from console"))])
        },
        .deleteQueue: { key in
            var s = domainsState(); Fixture.press([.char("2")], &s)
            #expect(Fixture.press([key, .enter], &s).isEmpty, "no delete without the typed confirmation")
            guard case .form(let form) = s.modal else { Issue.record("no form"); return }
            #expect(form.submitError?.contains("type gmail.com/vmta1") == true)
            let effects = Fixture.press(Fixture.type("gmail.com/vmta1") + [.tab, .char(" "), .enter], &s)
            #expect(effects == [.request(.deleteQueue(target: "gmail.com/vmta1", bounce: true, reason: "deleted from console"))])
        },
        .replyRule: { key in
            var s = domainsState(); Fixture.press([.char("6"), .down], &s)
            let template = Fixture.patterns[1].template
            let pattern = TemplatePattern.pattern(for: template)
            #expect(Fixture.press([key], &s) == [.dryRun(pattern: pattern)], "the dry run starts with the form")
            guard case .form(let form) = s.modal else { Issue.record("no form"); return }
            #expect(form.purpose == .replyRule(template: template))
            #expect(form.fields.map(\.input.text).prefix(3) == [pattern, "mode=backoff", "yahoo.com"])
            #expect(Fixture.press([.enter], &s) == [.dryRun(pattern: pattern)], "no rule before its dry run")
            _ = ConsoleReducer.reduce(&s, .dryRunLoaded(pattern: pattern, .success(Fixture.yahooDryRun(pattern))))
            // The action changed to disabling the source address for an hour, then applied.
            let effects = Fixture.press([.tab, .ctrl("u")] + Fixture.type("disable-source-ip=1h") + [.enter], &s)
            #expect(effects == [.request(.addReplyRule(target: "yahoo.com", pattern: pattern, actions: "disable-source-ip=1h", ttl: nil,
                                                       reason: "reply rule from console"))])
            // An edited pattern needs a new dry run before Enter applies it.
            var e = domainsState(); Fixture.press([.char("6"), .down, key], &e)
            _ = ConsoleReducer.reduce(&e, .dryRunLoaded(pattern: pattern, .success(Fixture.yahooDryRun(pattern))))
            #expect(Fixture.press([.end, .char("x"), .enter], &e) == [.dryRun(pattern: pattern + "x")])
            // Outside the Patterns view it only explains.
            var d = domainsState()
            #expect(Fixture.press([key], &d).isEmpty && d.status?.kind == .info)
        },
        .undo: { key in
            var s = domainsState()
            Fixture.press([.down, .enter], &s)
            #expect(ConsoleReducer.detailControls(s).map(\.id) == ["c-17"])
            #expect(Fixture.press([key, .enter], &s) == [.request(.cancelControl(id: "c-17", reason: "undone from console"))])
        },
    ]

    @Test func everyBindingHasACheck() {
        for binding in BindingTable.all {
            #expect(Self.checks[binding.action] != nil, "binding \(binding.action) has no reducer test")
        }
    }

    @Test(arguments: BindingTable.all.flatMap { b in b.keys.map { (b.action, $0) } }.map { "\($0.0.rawValue)|\($0.1.label(.ascii))" })
    func binding(_ id: String) throws {
        let binding = try #require(BindingTable.all.first { b in b.keys.contains { "\(b.action.rawValue)|\($0.label(.ascii))" == id } })
        let key = try #require(binding.keys.first { "\(binding.action.rawValue)|\($0.label(.ascii))" == id })
        let check = try #require(Self.checks[binding.action])
        check(key)
    }

    @Test func readOnlyHidesAndRefusesEveryAction() {
        let mutating = BindingTable.all.filter(\.changesMTA)
        #expect(!mutating.isEmpty)
        for view in ConsoleView.allCases {
            #expect(BindingTable.functionBar(for: view, readOnly: true).allSatisfy { !$0.changesMTA })
        }
        #expect(BindingTable.help(readOnly: true).allSatisfy { !$0.changesMTA })
        #expect(BindingTable.help(readOnly: false).allSatisfy { !$0.fleetOnly }, "fleet keys only in the fleet console")
        #expect(BindingTable.help(readOnly: false, fleet: true).contains { $0.fleetOnly })
        for binding in mutating {
            for key in binding.keys {
                var s = Fixture.state(width: 80, height: 24, readOnly: true)
                if case .views(let views) = binding.context, !views.contains(.domains) {
                    Fixture.press([.enter], &s) // Detail, where every action applies
                }
                let effects = Fixture.press([key, .enter], &s)
                #expect(effects.allSatisfy { if case .request = $0 { false } else { true } }, "\(binding.action) acted in read-only mode")
                #expect(s.modal == nil || s.modal == .help)
            }
        }
        var s = Fixture.state(width: 80, height: 24, readOnly: true)
        Fixture.press([.char("h")], &s)
        #expect(s.status == StatusMessage("read-only console: actions are disabled", .error))
    }
}
