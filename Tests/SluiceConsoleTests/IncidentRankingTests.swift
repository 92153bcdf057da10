import SluiceConsole
import SluiceControlProtocol
import Testing

/// What `!` (``ConsoleReducer/newestIncident(_:)``) picks when several templates qualify.
@Suite("The newest incident: volume, share refused and kind of refusal")
struct IncidentRankingTests {
    /// The fixture's snapshot with `extra` templates added.
    func snapshot(adding extra: [PatternRow]) -> NodeSnapshot {
        var snapshot = Fixture.snapshot
        snapshot.patterns += extra
        return snapshot
    }

    let greylisting = PatternRow(
        template: "451 4.7.1 <{addr}>: Recipient address rejected: Greylisted, please try again later",
        example: "451 4.7.1 <ann@small.test>: Recipient address rejected: Greylisted, please try again later",
        deferred: 6, bounced: 0, perMinute: Fixture.minutes([2, 4]), firstSeen: Fixture.nowS - 20, lastSeen: Fixture.nowS - 1,
        domains: [.init(name: "small.test", count: 6, share: 1.0)], vmtas: [.init(name: "vmta1", count: 6, share: 0.01)])

    @Test("greylisting is never the incident, however many replies and however new: Yahoo's TSS04 storm is")
    func greylistingIsNoIncident() {
        var storm = greylisting
        storm.perMinute = Fixture.minutes([300, 274])
        storm.domains = [.init(name: "news.sluice.test", count: 574, share: 1.0)]
        #expect(ConsoleReducer.newestIncident(snapshot(adding: [greylisting, storm]))?.domains.first?.name == "yahoo.com")
        // A rate or reputation refusal counts even as a minority of its domain's replies.
        var minority = snapshot(adding: [greylisting, storm])
        if let i = minority.patterns.firstIndex(where: { $0.template.contains("[TSS04]") }) { minority.patterns[i].domains[0].share = 0.39 }
        #expect(ConsoleReducer.newestIncident(minority)?.domains.first?.name == "yahoo.com")
        #expect(ConsoleReducer.newestIncident(snapshot(adding: []))?.domains.first?.name == "yahoo.com")
    }

    @Test("refusals weigh by kind: rate and reputation replies 3, greylisting 0, the rest 1")
    func weights() {
        #expect(ConsoleReducer.incidentWeight(Fixture.yahooError) == 3)
        #expect(ConsoleReducer.incidentWeight("451 4.7.650 The mail server [{ip}] has been temporarily rate limited due to IP reputation.") == 3)
        #expect(ConsoleReducer.incidentWeight(greylisting.template) == 0)
        #expect(ConsoleReducer.incidentWeight("452 4.2.2 Mailbox full") == 1)
    }

    @Test("among rate and reputation refusals the one that just started wins over older, larger ones; a mailbox-full wave does not outrank them; with nothing qualifying there is no incident")
    func newestOfTheHeaviestKind() {
        var storm = greylisting
        storm.template = "421 4.7.0 Try again later, closing connection. (EHLO) {id} - gsmtp"
        storm.perMinute = Fixture.minutes([4_000, 5_000])
        storm.domains = [.init(name: "gmail.com", count: 9_000, share: 0.99)]
        #expect(ConsoleReducer.newestIncident(snapshot(adding: [storm]))?.template == storm.template)
        var full = storm
        full.template = "452 4.2.2 The recipient's inbox is out of storage space. {id} - gsmtp"
        full.firstSeen = Fixture.nowS - 5
        #expect(ConsoleReducer.newestIncident(snapshot(adding: [full]))?.domains.first?.name == "yahoo.com")
        var quiet = Fixture.snapshot
        quiet.patterns = [greylisting].map { var p = $0; p.perMinute = Fixture.minutes([1, 1]); return p }
        #expect(ConsoleReducer.newestIncident(quiet) == nil)
    }
}
