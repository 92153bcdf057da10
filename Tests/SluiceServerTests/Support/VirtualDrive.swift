import SluiceConfig
import SluiceCore
@testable import SluiceServer

/// Moves a node's virtual clock on a second at a time until `condition` holds: each step waits
/// until the node's delivery loop sleeps again past the current instant (so the node has taken
/// up the previous step; with other timers asleep, waiting for any sleeper let virtual time run
/// minutes ahead of a busy node), then advances. Throws when `limit` of virtual time passes first.
func drive(_ clock: VirtualClock, _ node: MailNode, until what: String, limit: TimeSpan = .hours(1),
           _ condition: () async throws -> Bool) async throws {
    let end = clock.now() + limit
    while try await !condition() {
        guard clock.now() < end else { throw TestError("\(limit) of virtual time passed waiting for \(what)") }
        await clock.waitForSleepers(1)
        while await !node.deliveryLoopSleeps(past: clock.now()) { await Task.yield() }
        clock.advance(by: .seconds(1))
    }
}
