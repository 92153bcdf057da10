import Foundation
import SluiceConfig
import SluiceCore
import SluiceDemo
import SluiceSandbox
import Testing

/// `sluice demo --no-console --duration 20s`, simulated: the whole scenario (sandbox receivers,
/// MailNode on the embedded configuration, the seeded traffic plan) on a virtual clock, without
/// sockets, so what it shows does not depend on how busy the machine is. (TmuxDemoTests runs the
/// real `sluice demo` on loopback.)
@Suite struct DemoScenarioTests {
    /// Simulated seconds of traffic: Yahoo's storm starts 10 s in.
    static let seconds: Int64 = 20

    @Test(.timeLimit(.minutes(2)))
    func shortenedDemoShowsRateLimitsBackoffYahoosIncidentAndBadMailboxes() async throws {
        let clock = VirtualClock()
        let start = clock.now()
        let run = try await DemoRun.simulate(DemoOptions(rate: 200, seed: 1, messageSizes: 1_024...2_048), clock: clock)
        // 100 ms of virtual time per step, each step returning once the node has taken it up;
        // sampled every simulated second, as `sluice demo` prints its live line.
        var samples: [DemoSample] = []
        for step in 1...(Self.seconds * 10) {
            await run.advance(by: TimeSpan(milliseconds: 100))
            if step % 10 == 0 { samples.append(await run.sample()) }
        }
        let summary = await run.finish()
        let domains = summary.tally.domains
        let report = summary.text

        // The traffic ran on the virtual clock: every planned message was injected at its time
        // (one every 5 ms from 0 s to 20 s), none skipped however slow the machine.
        #expect(samples.map(\.elapsed) == (1...Self.seconds).map { TimeSpan.seconds($0) })
        #expect(clock.now() - start >= .seconds(Self.seconds))
        #expect(summary.duration == .seconds(Self.seconds))
        #expect(summary.traffic.offered == Int(Self.seconds) * 200 + 1 && summary.traffic.skipped == 0, "\(summary.traffic)")
        // Traffic flowed.
        #expect(samples.contains { $0.injected > 0 && $0.delivered > 0 }, "\(report)")
        #expect(summary.traffic.accepted > 0)
        // Gmail's per-IP limit answers 421 4.7.0; the backoff pattern puts a queue in backoff.
        #expect((domains["gmail.com"]?.deferralsByReply["421 4.7.0"] ?? 0) > 0, "\(report)")
        #expect((summary.receivers["gmail"]?.deferred[.rateLimit] ?? 0) > 0, "\(report)")
        #expect(domains.values.contains { $0.backoffEpisodes > 0 }, "\(report)")
        #expect(samples.contains { !$0.backoff.isEmpty }, "\(report)")
        // Yahoo's incident turns connections away with TSS04, and the MTA sees it.
        #expect((summary.receivers["yahoo"]?.deferred[.incident] ?? 0) > 0, "\(report)")
        let yahoo = domains["yahoo.com"]
        #expect((yahoo?.deferralsByReply["421 4.7.0 [TSS04]"] ?? 0) > 0 || yahoo?.errorsSeen.contains("421 4.7.0 [TSS04]") == true,
                "\(report)")
        #expect((yahoo?.backoffEpisodes ?? 0) > 0, "\(report)")
        #expect(samples.contains { $0.backoff.contains { $0.hasPrefix("yahoo.com/") } }, "\(report)")
        // Unknown users bounce as bad-mailbox (Gmail's "does not exist", Microsoft's "mailbox unavailable").
        #expect((domains["gmail.com"]?.bouncedByCategory["bad-mailbox"] ?? 0) > 0, "\(report)")
        let microsoft = (domains["outlook.com"]?.bouncedByCategory["bad-mailbox"] ?? 0)
            + (domains["hotmail.com"]?.bouncedByCategory["bad-mailbox"] ?? 0)
        #expect(microsoft > 0, "\(report)")
        // Nothing tried to leave loopback, and the temporary directory is gone.
        #expect(summary.refusedDestinations == 0)
        #expect(!FileManager.default.fileExists(atPath: run.directory))
    }
}
