import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import Testing

@Suite("Console header: the fleet's degraded badge")
struct FleetHeaderTests {
    func header(_ fleet: FleetFigures?) -> String {
        var snapshot = Fixture.snapshot
        snapshot.status.fleet = fleet
        var s = ConsoleState(width: 160, height: 48, now: Fixture.now, readOnly: false)
        _ = ConsoleReducer.reduce(&s, .snapshot(snapshot, at: Fixture.now))
        _ = ConsoleReducer.reduce(&s, .tick(Fixture.now))
        return ConsoleRenderer.render(s, glyphs: .ascii).text(row: 0)
    }

    @Test("degraded: 'fleet: degraded since HH:MM:SSZ' on the first line; connected or no fleet: no badge")
    func badge() {
        let since = Double(Fixture.now.milliseconds) / 1000 - 90
        let degraded = FleetFigures(node: "a", state: "degraded", degradedSince: since, liveNodes: 3, throttles: "fallback 1/3")
        let expected = "fleet: degraded since " + Instant(milliseconds: Int64(since * 1000)).timeOfDayUTC
        #expect(header(degraded).contains(expected), "\(header(degraded))")
        let connected = FleetFigures(node: "a", state: "connected", degradedSince: nil, liveNodes: 3, throttles: "shared")
        #expect(!header(connected).contains("fleet:"))
        #expect(!header(nil).contains("fleet:"))
    }
}
