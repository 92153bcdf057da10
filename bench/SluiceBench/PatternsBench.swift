import Foundation
import SluiceConsole
import SluiceControlProtocol
import SluiceConfig
import SluiceCore

/// `SluiceBench patterns`: the Patterns view's costs — clustering replies into templates at
/// 2,000 replies per second (normalise, count, keep for dry runs), building the snapshot's top
/// templates once a second, and a Patterns view frame (reduce a 10,000-queue snapshot with 200
/// templates, render at 160×48, present) after 50,000 distinct replies in the last hour.
enum PatternsBench {
    /// Real providers' replies with the parts that vary marked `#` (a number), `@` (an address)
    /// and `%` (an id); one in ten replies also gets a word of its own, so that new templates
    /// keep arriving and the table stays at its bound.
    static let shapes = [
        "421-4.7.28 [#.#.#.#      #] Our system has detected an unusual rate of unsolicited mail originating from your IP address. % - gsmtp",
        "550-5.7.1 [#.#.#.#] Our system has detected that this message is likely unsolicited mail. % - gsmtp",
        "550 5.1.1 The email account that you tried to reach does not exist. https://support.google.com/mail/?p=NoSuchUser % - gsmtp",
        "421 4.7.0 [TSS04] Messages from #.#.#.# temporarily deferred due to unexpected volume or user complaints - 4.16.55.1",
        "421 4.7.0 [TSS09] All messages from #.#.#.# will be permanently deferred; Retrying will NOT succeed.",
        "451 4.7.650 The mail server [#.#.#.#] has been temporarily rate limited due to IP reputation. (S775) [MxId=%]",
        "550 5.7.1 Unfortunately, messages from [#.#.#.#] weren't sent. Please contact your Internet service provider (S3140).",
        "550 5.1.1 <@>: Recipient address rejected: User unknown",
        "452 4.2.2 <@> Mailbox full, #KB used",
        "451 4.7.1 Greylisted, please try again in # seconds",
    ]

    static func reply(_ i: Int) -> String {
        var x = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { x ^= x >> 29; x = x &* 0xBF58_476D_1CE4_E5B9; return x }
        var out = ""
        for c in shapes[Int(next() % UInt64(shapes.count))] {
            switch c {
            case "#": out += String(next() % 256)
            case "@": out += "user\(next() % 100_000)@domain\(next() % 5_000).example"
            case "%": out += String(next(), radix: 36)
            default: out.append(c)
            }
        }
        return i % 10 == 0 ? out + " word\(i)" : out
    }

    static func run() {
        let queues = (0..<10_000).map { QueueKey(domain: "domain\($0 / 2).example\($0 % 17).com", vmta: "vmta\($0 % 2 + 1)") }
        let start = Instant(milliseconds: 1_795_000_000_000)
        // 50,000 distinct replies over the hour (2,000/s for 25 s, spread), then 2,000/s for 60 s measured.
        let replies = (0..<120_000).map(reply)
        var stats = ReplyPatternStats()
        for i in 0..<50_000 {
            stats.record(replies[i], outcome: .deferred, queue: queues[i % queues.count],
                         at: start + TimeSpan(milliseconds: Int64(i) * 3_600_000 / 50_000))
        }
        var now = start + TimeSpan.hours(1)
        let c0 = ConsoleBench.cpuMs()
        var summaryCPU: [Double] = []
        for second in 0..<60 {
            for j in 0..<2_000 {
                let i = 50_000 + (second * 2_000 + j) % 70_000
                stats.record(replies[i], outcome: i % 7 == 0 ? .bounced : .deferred, queue: queues[i % queues.count],
                             at: now + TimeSpan(milliseconds: Int64(j / 2)))
            }
            now = now + TimeSpan.seconds(1)
            let s0 = ConsoleBench.cpuMs()
            _ = stats.summaries(at: now, limit: 200)
            summaryCPU.append(ConsoleBench.cpuMs() - s0)
        }
        let total = ConsoleBench.cpuMs() - c0
        let perSecond = total / 60
        print("clustering: 120,000 replies at 2,000/s over 60 s, \(stats.templateCount) templates kept")
        print("  CPU \(ConsoleBench.f(perSecond)) ms per second = \(ConsoleBench.f(perSecond / 10)) % of one core "
              + "(of which top-200 summaries \(ConsoleBench.f(summaryCPU.reduce(0, +) / 60)) ms)")
        print("  per reply \(ConsoleBench.f((total - summaryCPU.reduce(0, +)) * 1000 / 120_000)) µs")

        let patterns = stats.summaries(at: now, limit: 200).map { p in
            PatternRow(template: p.template, example: p.example, deferred: p.deferredLastHour, bounced: p.bouncedLastHour,
                       perMinute: p.perMinute, firstSeen: Double(p.firstSeen.milliseconds) / 1000,
                       lastSeen: Double(p.lastSeen.milliseconds) / 1000,
                       domains: p.domains.map { .init(name: $0.name, count: $0.count, share: $0.share) },
                       vmtas: p.vmtas.map { .init(name: $0.name, count: $0.count, share: $0.share) })
        }
        for (width, height) in [(160, 48), (80, 24)] {
            let snapshots = (0..<4).map { v -> NodeSnapshot in
                var s = ConsoleBench.snapshot(queues: 10_000, variant: v)
                s.patterns = v % 2 == 0 ? patterns : patterns.reversed()
                return s
            }
            var state = ConsoleState(width: width, height: height, now: Instant(milliseconds: 0))
            let backend = InMemoryBackend(width: width, height: height)
            _ = ConsoleReducer.reduce(&state, .snapshot(snapshots[0], at: Instant(milliseconds: 0)))
            _ = ConsoleReducer.reduce(&state, .key(.char("6")))
            var cpu: [Double] = [], wall: [Double] = []
            for i in 1...200 {
                let m = ConsoleBench.measure {
                    _ = ConsoleReducer.reduce(&state, .snapshot(snapshots[i % snapshots.count], at: Instant(milliseconds: Int64(i) * 1000)))
                    backend.present(ConsoleRenderer.render(state, glyphs: .unicode))
                }
                cpu.append(m.cpu)
                wall.append(m.wall)
            }
            let c = ConsoleBench.stats(cpu), w = ConsoleBench.stats(wall)
            print("Patterns \(width)x\(height), 10,000 queues, \(patterns.count) templates: frame CPU mean \(ConsoleBench.f(c.mean)) / p99 "
                  + "\(ConsoleBench.f(c.p99)) ms, wall mean \(ConsoleBench.f(w.mean)) / p99 \(ConsoleBench.f(w.p99)) ms")
        }
    }
}
