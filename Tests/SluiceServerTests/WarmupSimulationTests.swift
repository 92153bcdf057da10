import Foundation
import SluiceAccounting
import SluiceConfig
import SluiceCore
import SluiceSMTP
@testable import SluiceServer
import Testing

/// Thirty simulated days of a warming vmta: the node core on the virtual clock, the in-memory
/// transport, a restart in the middle through the warm-up file.
@Suite("Warm-up over thirty simulated days")
struct WarmupSimulationTests {
    /// 2026-01-01T00:00:00Z: day boundaries fall on the simulation's days.
    static let start = Instant(milliseconds: 1_767_225_600_000)
    static let dayMs: Int64 = 86_400_000
    /// slow.test defers everything on these days (1-based): one bad day, then two in a row.
    static let badDays: Set<Int> = [8, 18, 19]
    static let restartDay = 14

    static let configuration = """
        host-name node.test
        <warmup-schedule ramp>
            start-rate 1/s
            start-max-msg 100/day
            daily-increase 10%
            ceiling 20/s
            max-deferral-rate 10%
            max-bounce-rate 5%
        </warmup-schedule>
        <virtual-mta fresh>
            smtp-source-host 192.0.2.20 fresh.node.test
            warmup-schedule ramp
        </virtual-mta>
        <domain *>
            retry-after 6h
            bounce-after 30d
        </domain>
        """

    static func day(of instant: Instant) -> Int { Int((instant.milliseconds - start.milliseconds) / dayMs) + 1 }
    static func dayStart(_ day: Int) -> Instant { start + TimeSpan(milliseconds: Int64(day - 1) * dayMs) }

    static func script(_ domain: String, _ now: Instant) -> ScriptedAnswer {
        domain == "slow.test" && badDays.contains(day(of: now))
            ? .reply(SMTPReply(451, "4.7.1", "try again later")) : .accept
    }

    /// The schedule as the test reads the issue: a good sending day moves to the next step, a bad
    /// one holds it, the second bad one in a row steps back; each day's cap is 100 × 1.1^(step−1).
    static func expectedCaps(days: Int) -> [Int] {
        var caps: [Int] = []
        var step = 1, bad = 0
        for day in 1...days {
            caps.append(Int((100 * pow(1.1, Double(step - 1))).rounded()))
            if badDays.contains(day) {
                bad += 1
                if bad == 2 { step = max(1, step - 1); bad = 0 }
            } else {
                bad = 0
                step += 1
            }
        }
        return caps
    }

    func newSimulation(at now: Instant) throws -> CoreSimulation {
        let model = try loadConfiguration(Self.configuration)
        var sim = CoreSimulation(configuration: model, transport: InMemoryTransport(clock: VirtualClock(now), script: Self.script),
                                 start: now)
        sim.housekeepingTicks = false
        return sim
    }

    @Test("daily counts follow the schedule within 1 %, the step holds on a bad day, steps back after two, and survives a restart")
    func thirtyDays() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-warmup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = WarmupFile(spoolDirectory: directory.path)

        let caps = Self.expectedCaps(days: 30)
        var sim = try newSimulation(at: Self.start)
        var attempts: [Int: Int] = [:]   // day → d, t and b rows of the vmta
        var rowsCounted = 0
        var backlog = 0                  // messages injected and not final
        var stepsSeen: [Int: Int] = [:]
        var heldSeen: [Int: String] = [:]
        func tally(_ sim: CoreSimulation) {
            for row in sim.accounting[rowsCounted...] where row.vmta == "fresh" {
                guard [.delivered, .transient, .bounced].contains(row.type) else { continue }
                attempts[Self.day(of: row.timeLogged), default: 0] += 1
                if row.type != .transient { backlog -= 1 }
            }
            rowsCounted = sim.accounting.count
        }
        for day in 1...30 {
            let morning = Self.dayStart(day) + .minutes(1)
            sim.run(until: morning)
            tally(sim)
            let status = try #require(sim.core.engine.warmupStatus(now: sim.now).first)
            stepsSeen[day] = status.step
            heldSeen[day] = status.held
            // Keep a fifth more than the day's cap waiting: a quarter to slow.test.
            let wanted = caps[day - 1] * 6 / 5 - backlog
            if wanted > 0 {
                try sim.inject(wanted * 3 / 4, to: "good.test", vmta: "fresh")
                try sim.inject(wanted - wanted * 3 / 4, to: "slow.test", vmta: "fresh")
                backlog += wanted
            }
            if day == Self.restartDay {
                // A graceful restart at noon: the node saves the ledger as it stops, the next one
                // reads it back; the queued mail comes back from the spool (re-injected here).
                sim.run(until: Self.dayStart(day) + .hours(12))
                tally(sim)
                sim.perform(sim.core.warmupSave(now: sim.now, force: true))
                try file.write(try #require(sim.savedWarmup))
                let sentBefore = try #require(sim.core.engine.warmupStatus(now: sim.now).first).sentToday
                let queued = backlog
                sim = try newSimulation(at: sim.now)
                rowsCounted = 0
                _ = sim.core.restoreWarmup(try #require(try file.read()), now: sim.now)
                let restored = try #require(sim.core.engine.warmupStatus(now: sim.now).first)
                #expect(restored.step == stepsSeen[day])
                #expect(restored.sentToday == sentBefore)
                try sim.inject(queued * 3 / 4, to: "good.test", vmta: "fresh")
                try sim.inject(queued - queued * 3 / 4, to: "slow.test", vmta: "fresh")
            }
        }
        sim.run(until: Self.dayStart(31))
        tally(sim)

        for day in 1...30 {
            let count = attempts[day, default: 0], cap = caps[day - 1]
            #expect(abs(count - cap) * 100 <= cap, "day \(day): \(count) messages, schedule says \(cap)")
        }
        // The single bad day holds the step, the next day moves on again.
        #expect(caps[8] == caps[7] && caps[9] > caps[8])
        #expect(stepsSeen[9] == stepsSeen[8])
        #expect(heldSeen[9]?.hasPrefix("deferral rate") == true)
        #expect(stepsSeen[10] == (stepsSeen[9] ?? 0) + 1 && heldSeen[10] == nil)
        // Two bad days in a row step back one step.
        #expect(stepsSeen[20] == (stepsSeen[19] ?? 0) - 1)
        #expect(heldSeen[20]?.hasPrefix("stepped back: deferral rate") == true)
    }
}
