import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
@testable import SluiceDemo
import SluiceSandbox
import Testing

/// `sluice demo`'s blocklist scenario on loopback sockets: part-way the sandbox's DNS blocklist
/// (in process, on 127.0.0.1) lists vmta3 and the Gmail receiver refuses it with a 550 5.7.1
/// naming the list; the node's blocklist watch pauses vmta3 and its row shows the listing.
@Suite("Demo: a vmta listed part-way is caught and paused")
struct DemoBlocklistTests {
    @Test(.timeLimit(.minutes(1)))
    func listedVMTAIsPaused() async throws {
        let run = try await DemoRun.start(DemoOptions(rate: 20, seed: 3, connections: 2, messageSizes: 1_024...2_048,
                                                      listingAfter: .seconds(1)))
        do {
            let listed = DemoConfiguration.listedVirtualMTA
            let deadline = ContinuousClock.now + .seconds(45)
            var row: VMTARow?
            while row?.paused != true || row?.listings.isEmpty != false {
                guard ContinuousClock.now < deadline else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(50))
                row = await run.node.snapshot().vmtas.first { $0.name == listed.name }
            }
            #expect(row?.source == listed.address)
            #expect(row?.listings.map(\.zone) == [DemoConfiguration.blocklistZone])
            #expect(row?.listings.first?.answer == "127.0.0.2")
            let pause = await run.node.snapshot().status.controls.first { $0.kind == .pause && $0.target == listed.name }
            #expect(pause?.who == "blocklist-watch" && pause?.why.contains(DemoConfiguration.blocklistZone) == true)
            #expect(await run.node.snapshot().vmtas.filter { $0.name != listed.name }.allSatisfy { !$0.paused && $0.listings.isEmpty })
        } catch {
            _ = await run.finish()
            throw error
        }
        let summary = await run.finish()
        #expect(summary.refusedDestinations == 0, "every delivery stayed on loopback")
    }
}
