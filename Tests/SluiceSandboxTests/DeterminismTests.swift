import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSandbox

/// Drives the four shipped receivers with the generator's plan, as `sluice demo` will over
/// loopback SMTP, and records every reply: the whole scenario in simulated time.
struct Scenario {
    var receivers: [String: SandboxBehaviour]
    var plan: TrafficPlan
    var transcript: [String] = []
    let sources = ["127.0.0.10", "127.0.0.11", "127.0.0.12"]

    init(seed: UInt64, rate: Double) throws {
        let start = at(1_700_000_000_000)
        receivers = [:]
        for name in ProfileLibrary.shippedNames {
            receivers[name] = SandboxBehaviour(profile: try shipped(name), seed: seed, startedAt: start)
        }
        plan = try TrafficPlan(spec: TrafficSpec(rate: rate), seed: seed, start: start)
    }

    /// Sends every message due until `seconds` after the start, one connection per message,
    /// rotating the source IPs.
    mutating func run(seconds: Int64) {
        let end = plan.start + .seconds(seconds)
        var now = plan.start
        while now <= end {
            for message in plan.due(at: now) {
                let profile = DomainMix.standard.domains.first { $0.name == message.domain }?.profile ?? "generic"
                guard var receiver = receivers[profile] else { continue }
                let source = sources[message.sequence % sources.count]
                var (session, greeting) = receiver.connect(from: ip(source), at: now)
                var line = "\(now) \(source) \(message.recipients[0]) | \(greeting)"
                if !session.isClosed {
                    _ = receiver.handle(.hello("demo.test", extended: true), in: &session, at: now)
                    let replies = send(&receiver, &session, from: message.sender, to: message.recipients, size: message.size, at: now)
                    line += " | " + replies.map(\.description).joined(separator: " | ")
                }
                transcript.append(line)
                receivers[profile] = receiver
            }
            now = now + TimeSpan(milliseconds: 20)
        }
    }
}

@Suite("Determinism and the demo scenario")
struct DeterminismTests {
    @Test("two runs with the same seed give identical transcripts; another seed differs")
    func sameSeedSameTranscript() throws {
        var a = try Scenario(seed: 2026, rate: 120), b = try Scenario(seed: 2026, rate: 120), c = try Scenario(seed: 2027, rate: 120)
        a.run(seconds: 8); b.run(seconds: 8); c.run(seconds: 8)
        #expect(a.transcript.count == 961)
        #expect(a.transcript == b.transcript)
        #expect(a.transcript != c.transcript)
        #expect(a.receivers.mapValues(\.stats) == b.receivers.mapValues(\.stats))
    }

    @Test("the demo's traffic shows each behaviour: gmail's rate limit, yahoo's TSS04 storm, unknown users bounced, greylisting")
    func demoScenario() throws {
        var scenario = try Scenario(seed: 1, rate: 200)
        scenario.run(seconds: 30)
        let stats = scenario.receivers.mapValues(\.stats)
        // Gmail gets 40% of 200/s over three IPs, about 27/s each: beyond its 20/s per-IP limit.
        #expect((stats["gmail"]?.deferred[.rateLimit] ?? 0) > 100)
        #expect(scenario.transcript.contains { $0.contains("421 4.7.0 [127.0.0.1") && $0.contains("Our system has detected an unusual rate") })
        // Yahoo's storm from 10 s to 40 s turns every connection away with TSS04.
        let yahooStorm = scenario.transcript.filter { line in
            let parts = line.components(separatedBy: " | ")
            return parts[0].hasSuffix("@yahoo.com") && parts[1].contains("421 4.7.0 [TSS04]") && parts[1].hasSuffix("[close]")
        }
        #expect(yahooStorm.count > 450)
        #expect(yahooStorm.allSatisfy { line in
            let t = Double(line.prefix { $0 != " " }) ?? 0
            return t >= 1_700_000_010 && t < 1_700_000_040
        })
        // Unknown users bounce everywhere, with 5.1.1 or Microsoft's 5.5.0.
        for name in ProfileLibrary.shippedNames {
            #expect((stats[name]?.rejected[.unknownUser] ?? 0) > 0, "\(name)")
        }
        #expect((stats["generic"]?.deferred[.greylist] ?? 0) > 0)
        #expect(stats.values.reduce(0) { $0 + $1.messagesAccepted } > 3000)
        #expect(stats["outlook"]?.description.hasPrefix("connections=") == true)
    }
}
