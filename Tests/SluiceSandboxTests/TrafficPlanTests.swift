import SluiceConfig
import SluiceCore
import Testing
@testable import SluiceSandbox

@Suite("Traffic generator plan")
struct TrafficPlanTests {
    @Test("pacing: N messages over T simulated seconds within ±1%", arguments: [(200.0, 30), (7.5, 60), (1000.0, 5)])
    func pacing(rate: Double, seconds: Int64) throws {
        var plan = try TrafficPlan(spec: TrafficSpec(rate: rate), seed: 1, start: at(5_000))
        var count = 0
        var gaps: [Int64] = []
        var last: Instant?
        var now = at(5_000)
        while now < at(5_000 + seconds * 1000) {
            for message in plan.due(at: now) {
                count += 1
                if let last { gaps.append((message.scheduledAt - last).milliseconds) }
                last = message.scheduledAt
                #expect(message.scheduledAt <= now)
            }
            now = now + TimeSpan(milliseconds: 10)
        }
        let expected = rate * Double(seconds)
        #expect(abs(Double(count) - expected) <= expected * 0.01, "\(count) vs \(expected)")
        // Even pacing: every gap is the emission interval, give or take the millisecond rounding.
        let interval = 1000 / rate
        #expect(gaps.allSatisfy { abs(Double($0) - interval) <= 1 })
        #expect(plan.skipped == 0)
    }

    @Test("nextDueAt says when to wake up, and nothing is due before it")
    func nextDue() throws {
        var plan = try TrafficPlan(spec: TrafficSpec(rate: 4), seed: 1, start: at(0))
        #expect(plan.due(at: at(0)).map(\.sequence) == [0])
        #expect(plan.nextDueAt == at(250))
        #expect(plan.due(at: at(249)).isEmpty)
        #expect(plan.due(at: at(1000)).map(\.sequence) == [1, 2, 3, 4])
        #expect(plan.due(at: at(1600), limit: 1).map(\.sequence) == [5])
        #expect(plan.due(at: at(1600)).map(\.sequence) == [6])
    }

    @Test("a client stalled beyond the lag skips slots instead of bursting")
    func skipsWhenLagging() throws {
        var plan = try TrafficPlan(spec: TrafficSpec(rate: 100, maximumLag: .seconds(2)), seed: 1, start: at(0))
        _ = plan.due(at: at(0))
        let burst = plan.due(at: at(10_000)) // 10 s stall: only the last 2 s (201 slots) are sent
        #expect(burst.count == 201)
        #expect(burst.first?.scheduledAt == at(8_000))
        #expect(plan.skipped == 799)
        #expect(burst.map(\.sequence) == Array(800...1000))
    }

    @Test("domain mix within tolerance, all jobs used, senders and headers as specified")
    func domainMix() throws {
        let spec = TrafficSpec(rate: 100, virtualMTA: "demo-pool")
        let plan = try TrafficPlan(spec: spec, seed: 99, start: .zero)
        var byDomain: [String: Int] = [:], byJob: [String: Int] = [:]
        let n = 20_000
        for i in 0..<n {
            let m = plan.message(i)
            byDomain[m.domain, default: 0] += 1
            byJob[m.jobID, default: 0] += 1
            #expect(m.recipients.count == 1 && domainOf(m.recipients[0]) == m.domain)
        }
        func share(_ domains: String...) -> Double { Double(domains.reduce(0) { $0 + (byDomain[$1] ?? 0) }) / Double(n) }
        #expect(abs(share("gmail.com") - 0.40) < 0.015)
        #expect(abs(share("yahoo.com") - 0.25) < 0.015)
        #expect(abs(share("outlook.com", "hotmail.com") - 0.20) < 0.015)
        #expect(abs(share("example.com", "example.net", "example.org") - 0.15) < 0.015)
        #expect(Set(byJob.keys) == ["newsletter-2611", "receipts", "winback-q4"])
        #expect(byJob.values.allSatisfy { abs(Double($0) / Double(n) - 1.0 / 3) < 0.02 })
        let m = plan.message(0)
        #expect(m.sender == "bounces+\(m.jobID)@news.sluice.test")
        #expect(m.headers.contains("\r\nX-Job: \(m.jobID)\r\n"))
        #expect(m.headers.contains("\r\nX-Virtual-MTA: demo-pool\r\n"))
        #expect(m.headers.contains("\r\nMessage-ID: <0.63@news.sluice.test>\r\n"))
        #expect(m.headers.contains("\r\nDate: Thu, 1 Jan 1970 00:00:00 +0000\r\n"))
    }

    @Test("a custom mix parses and is honoured")
    func customMix() throws {
        let mix = try DomainMix(parsing: "gmail.com=3,corp.test=1")
        #expect(mix.domains.map(\.profile) == ["gmail", "generic"])
        let plan = try TrafficPlan(spec: TrafficSpec(rate: 10, mix: mix), seed: 5, start: .zero)
        let gmail = (0..<4000).filter { plan.message($0).domain == "gmail.com" }.count
        #expect(abs(Double(gmail) / 4000 - 0.75) < 0.03)
        for bad in ["", "gmail.com", "gmail.com=x", "=3", "gmail.com=0"] {
            #expect(throws: ValueError.self) { try DomainMix(parsing: bad) }
        }
        #expect(throws: ValueError.self) { try TrafficPlan(spec: TrafficSpec(rate: 0), seed: 1, start: .zero) }
        #expect(throws: ValueError.self) { try TrafficPlan(spec: TrafficSpec(rate: .nan), seed: 1, start: .zero) }
        #expect(throws: ValueError.self) { try TrafficPlan(spec: TrafficSpec(rate: 1e-300), seed: 1, start: .zero) }
        #expect(throws: ValueError.self) { try TrafficPlan(spec: TrafficSpec(rate: 10, sizes: 10...20), seed: 1, start: .zero) }
        #expect(throws: ValueError.self) { try TrafficPlan(spec: TrafficSpec(rate: 1, jobs: []), seed: 1, start: .zero) }
    }

    @Test("content: exact size, CRLF lines of at most 78 characters, none starting with a dot, deterministic")
    func content() throws {
        let plan = try TrafficPlan(spec: TrafficSpec(rate: 10, recipientsPerMessage: 1...3), seed: 12, start: at(1_763_900_000_000))
        for i in 0..<150 {
            let m = plan.message(i)
            let content = m.content
            #expect(content.utf8.count == m.size)
            #expect((2_048...24_576).contains(m.size))
            #expect(content.hasSuffix("\r\n"))
            let lines = content.components(separatedBy: "\r\n").dropLast()
            #expect(lines.allSatisfy { $0.utf8.count <= 78 && !$0.hasPrefix(".") && !$0.contains("\n") && !$0.contains("\r") })
            #expect((1...3).contains(m.recipients.count) && Set(m.recipients).count == m.recipients.count)
            #expect(content == plan.message(i).content)
        }
        #expect(plan.message(0).headers.contains("Date: Sun, 23 Nov 2025 12:13:20 +0000"))
        let other = try TrafficPlan(spec: TrafficSpec(rate: 10), seed: 13, start: at(1_763_900_000_000))
        #expect((0..<50).contains { other.message($0).recipients != plan.message($0).recipients })
    }

    @Test("RFC 5322 dates across leap years and the epoch")
    func dates() {
        #expect(CivilTime(at(0)).rfc5322Text == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(CivilTime(at(951_782_400_000)).rfc5322Text == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(CivilTime(at(1_798_761_599_000)).rfc5322Text == "Thu, 31 Dec 2026 23:59:59 +0000")
        #expect(CivilTime(at(-1000)).rfc5322Text == "Wed, 31 Dec 1969 23:59:59 +0000")
    }
}
