import Foundation
import SluiceConfig
import SluiceDemo
import SluiceSandbox
import Testing

/// `sluice demo --no-console --duration 30s`, shortened and in process: the whole stack (sandbox
/// receivers, MailNode on the embedded configuration, generator) on loopback.
@Suite struct DemoScenarioTests {
    @Test(.timeLimit(.minutes(2)))
    func shortenedDemoShowsRateLimitsBackoffYahoosIncidentAndBadMailboxes() async throws {
        // Small messages keep a debug build on two cores at the full rate.
        let run = try await DemoRun.start(DemoOptions(rate: 200, seed: 1, messageSizes: 1_024...2_048))
        // Sampled twice a second until everything checked below has been seen (Yahoo's storm
        // starts 10 s in), however long a busy machine takes, within the time limit.
        let deadline = ContinuousClock.now + .seconds(90)
        var samples: [DemoSample] = []
        while ContinuousClock.now < deadline {
            samples.append(await run.sample())
            if await Self.sawEverything(run, samples) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let summary = await run.finish()
        let domains = summary.tally.domains
        let report = summary.text

        // Traffic flowed (how soon is BENCHMARKS.md's "Demo start-up").
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
        // Unknown users bounce as bad-mailbox (Gmail's "does not exist", Microsoft's "mailbox unavailable").
        #expect((domains["gmail.com"]?.bouncedByCategory["bad-mailbox"] ?? 0) > 0, "\(report)")
        let microsoft = (domains["outlook.com"]?.bouncedByCategory["bad-mailbox"] ?? 0)
            + (domains["hotmail.com"]?.bouncedByCategory["bad-mailbox"] ?? 0)
        #expect(microsoft > 0, "\(report)")
        // Nothing tried to leave loopback, and the temporary directory is gone.
        #expect(summary.refusedDestinations == 0)
        #expect(!FileManager.default.fileExists(atPath: run.directory))
    }

    /// True once the node and the receivers show what the test checks: deliveries, Gmail's 421
    /// 4.7.0 and Yahoo's TSS04 storm at the receivers, deferrals and bad-mailbox bounces at the
    /// node, and a sample with Yahoo in backoff (the summary counts backoff episodes from samples).
    static func sawEverything(_ run: DemoRun, _ samples: [DemoSample]) async -> Bool {
        guard samples.contains(where: { $0.delivered > 0 }),
              samples.contains(where: { $0.backoff.contains { $0.hasPrefix("yahoo.com/") } }),
              (run.receivers["gmail"]?.stats.deferred[.rateLimit] ?? 0) > 0,
              (run.receivers["yahoo"]?.stats.deferred[.incident] ?? 0) > 0 else { return false }
        let domains = Dictionary(await run.node.snapshot().domains.map { ($0.name, $0.figures) }, uniquingKeysWith: { a, _ in a })
        let microsoftBounces = (domains["outlook.com"]?.bounced ?? 0) + (domains["hotmail.com"]?.bounced ?? 0)
        return (domains["gmail.com"]?.deferred ?? 0) > 0 && (domains["gmail.com"]?.bounced ?? 0) > 0 && microsoftBounces > 0
    }
}
