import SluiceConfig
import SluiceCore

/// Moves a node's virtual clock on a second at a time until `condition` holds: each step waits
/// until the node's timer sleeps again (so the node has taken up the previous step), then
/// advances. Throws when `limit` of virtual time passes first.
func drive(_ clock: VirtualClock, until what: String, limit: TimeSpan = .hours(1),
           _ condition: () async throws -> Bool) async throws {
    let end = clock.now() + limit
    while try await !condition() {
        guard clock.now() < end else { throw TestError("\(limit) of virtual time passed waiting for \(what)") }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
    }
}
