import Foundation
import SluiceConsole
import SluiceControlClient
import SluiceControlProtocol
import SluiceCore

/// `SluiceBench console`: the cost of one console frame with 10,000 active queues — reduce the
/// snapshot (re-sort and filter the table), render at 160×48, diff against the previous frame
/// into the in-memory backend — plus decoding that snapshot from JSON, and the CPU share this
/// means at one update per second, and the client's real socket path: decoding a
/// `snapshot-delta` frame with 10% of rows changed and merging it, plus the full frame every 30 s.
enum ConsoleBench {
    static func snapshot(queues: Int, variant: Int) -> NodeSnapshot {
        let vmtaCount = 2
        let domainCount = queues / vmtaCount
        var domains: [DomainRow] = []
        var rows: [QueueRow] = []
        domains.reserveCapacity(domainCount)
        rows.reserveCapacity(queues)
        func figures(_ i: Int) -> QueueFigures {
            let x = (i &* 2_654_435_761 &+ variant &* 40_503) % 100_000
            return QueueFigures(queued: x, delivered: x * 3, deferred: x / 7, bounced: x / 101, connections: x % 20,
                                deliveredPerMin: Double(x % 997), deferredPerMin: Double(x % 89), bouncedPerMin: Double(x % 7) / 2,
                                rateLimit: ["unlimited", "20/s", "500/h", "5/s"][x % 4], mode: x % 13 == 0 ? "backoff" : "normal",
                                held: x % 97 == 0, paused: x % 89 == 0,
                                why: x % 3 == 0 ? "rate-limited: max-msg-rate 20/s (file.conf:41)" : "",
                                lastError: x % 5 == 0 ? "421 4.7.0 [TSS04] Messages temporarily deferred due to unexpected volume" : "")
        }
        for d in 0..<domainCount {
            let name = "domain\(d).example\(d % 17).com"
            domains.append(DomainRow(name: name, figures: figures(d)))
            for v in 0..<vmtaCount {
                rows.append(QueueRow(domain: name, vmta: "vmta\(v + 1)", figures: figures(d * vmtaCount + v)))
            }
        }
        let vmtas = (1...vmtaCount).map {
            VMTARow(name: "vmta\($0)", source: "127.0.0.\(9 + $0)", paused: false, connections: 200, queued: 1_000_000,
                    deliveredPerMin: 20_000, deferredPerMin: 900, busiestDomains: ["domain1.example1.com", "domain2.example2.com"])
        }
        let history = StatusSnapshot.History(in: (0..<300).map { $0 % 50 }, out: (0..<300).map { $0 % 40 })
        let status = StatusSnapshot(node: "bench.example.net", uptimeS: 86_400, queued: 500_000_000,
                                    in: .init(msgs: 1, perS: 900), out: .init(delivered: 1, deferred: 1, bounced: 1, perS: 800, deferredPerS: 50, bouncedPerS: 2),
                                    connections: .init(in: 40, out: 400), spool: .init(bytes: 1 << 34, freeBytes: 1 << 36),
                                    controls: [], history: history)
        return NodeSnapshot(status: status, domains: domains, queues: rows, vmtas: vmtas)
    }

    struct Stats {
        var mean: Double
        var p99: Double
    }

    static func stats(_ samples: [Double]) -> Stats {
        let sorted = samples.sorted()
        return Stats(mean: samples.reduce(0, +) / Double(samples.count),
                     p99: sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
    }

    /// CPU time of the calling thread, in milliseconds (unaffected by other processes on the machine).
    static func cpuMs() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
    }

    /// Wall time and thread CPU time of `body`, in milliseconds.
    static func measure(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        let clock = ContinuousClock()
        let c0 = cpuMs()
        let wall = clock.measure(body)
        return (ms(wall), cpuMs() - c0)
    }

    static func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    /// Frames of `view`: each applies a new snapshot (re-sorting the table), renders and presents.
    static func frames(view: Key, width: Int, height: Int, snapshots: [NodeSnapshot], iterations: Int)
        -> (snapshot: Stats, tick: Stats, snapshotCPU: Stats, tickCPU: Stats) {
        let backend = InMemoryBackend(width: width, height: height)
        var state = ConsoleState(width: width, height: height, now: Instant(milliseconds: 0))
        _ = ConsoleReducer.reduce(&state, .snapshot(snapshots[0], at: Instant(milliseconds: 0)))
        _ = ConsoleReducer.reduce(&state, .key(view))
        backend.present(ConsoleRenderer.render(state, glyphs: .unicode))
        var snapshotFrames: [(wall: Double, cpu: Double)] = []
        var tickFrames: [(wall: Double, cpu: Double)] = []
        for i in 0..<iterations {
            let now = Instant(milliseconds: Int64(i + 1) * 1000)
            snapshotFrames.append(measure {
                _ = ConsoleReducer.reduce(&state, .snapshot(snapshots[i % snapshots.count], at: now))
                backend.present(ConsoleRenderer.render(state, glyphs: .unicode))
            })
            tickFrames.append(measure {
                _ = ConsoleReducer.reduce(&state, .tick(Instant(milliseconds: now.milliseconds + 500)))
                backend.present(ConsoleRenderer.render(state, glyphs: .unicode))
            })
        }
        return (stats(snapshotFrames.map(\.wall)), stats(tickFrames.map(\.wall)), stats(snapshotFrames.map(\.cpu)), stats(tickFrames.map(\.cpu)))
    }

    static func run() {
        let queues = 10_000
        let snapshots = (0..<8).map { snapshot(queues: queues, variant: $0) }
        print("console benchmark: \(queues) queues (\(snapshots[0].domains.count) domains x 2 vmtas), release build")
        var worst = 0.0
        for (name, key) in [("Domains", Key.char("1")), ("Queues", Key.char("2")), ("Diagnostics", Key.char("4"))] {
            for (w, h) in [(160, 48), (80, 24)] {
                let r = frames(view: key, width: w, height: h, snapshots: snapshots, iterations: 200)
                print("  \(name) \(w)x\(h): snapshot frame wall mean \(f(r.snapshot.mean)) ms p99 \(f(r.snapshot.p99)) ms, cpu mean \(f(r.snapshotCPU.mean)) ms p99 \(f(r.snapshotCPU.p99)) ms; tick frame wall mean \(f(r.tick.mean)) ms p99 \(f(r.tick.p99)) ms, cpu mean \(f(r.tickCPU.mean)) ms")
                worst = max(worst, r.snapshotCPU.mean + r.tickCPU.mean)
            }
        }
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        guard let json = try? encoder.encode(snapshots[0]) else { print("encode failed"); return }
        var decodes: [(wall: Double, cpu: Double)] = []
        for _ in 0..<10 {
            decodes.append(measure { _ = try? decoder.decode(NodeSnapshot.self, from: json) })
        }
        let d = stats(decodes.map(\.cpu))
        print("  decode NodeSnapshot JSON (\(json.count / 1024) KiB): cpu mean \(f(d.mean)) ms, p99 \(f(d.p99)) ms (wall mean \(f(stats(decodes.map(\.wall)).mean)) ms)")
        print("  at 1 Hz, CPU of render only (one snapshot frame + one tick frame per second, worst view): \(f(worst)) ms/s = \(f(worst / 10)) % of one core")
        let perSecond = worst + d.mean
        print("  at 1 Hz, CPU with a full JSON snapshot decoded every second (before deltas): \(f(perSecond)) ms/s = \(f(perSecond / 10)) % of one core")
        guard let client = clientPath(queues: queues) else { print("delta encode failed"); return }
        let amortisedFull = client.fullFrame.mean / Double(SnapshotFramerPeriod.frames)
        let total = worst + client.delta.mean + amortisedFull
        print("  client path, \(client.deltaKiB) KiB snapshot-delta frame (10% of rows changed): decode + merge cpu mean \(f(client.delta.mean)) ms, p99 \(f(client.delta.p99)) ms")
        print("  client path, full snapshot frame (\(client.fullKiB) KiB) decode: cpu mean \(f(client.fullFrame.mean)) ms, once per \(SnapshotFramerPeriod.frames) s = \(f(amortisedFull)) ms/s")
        print("  at 1 Hz over the socket with deltas: render \(f(worst)) + delta \(f(client.delta.mean)) + full/30 \(f(amortisedFull)) = \(f(total)) ms/s = \(f(total / 10)) % of one core")
    }

    /// The full-snapshot interval of the daemon's subscription stream (see docs/CONTROL.md).
    enum SnapshotFramerPeriod { static let frames = 30 }

    /// `base` with the rows whose index is `phase` modulo 10 changed (10% of domains and queues).
    static func changing(_ base: NodeSnapshot, phase: Int, tick: Int) -> NodeSnapshot {
        var next = base
        for i in stride(from: phase, to: next.queues.count, by: 10) {
            next.queues[i].figures.queued += 1 + tick
            next.queues[i].figures.deliveredPerMin += 1
        }
        for i in stride(from: phase, to: next.domains.count, by: 10) {
            next.domains[i].figures.queued += 1 + tick
        }
        next.status.uptimeS += 1
        return next
    }

    /// The console's real socket path: `JSONDecoder` on the wire frame, then `SnapshotMerger`.
    /// Deltas between successive snapshots with 10% of rows changed each second, and the full
    /// snapshot frame the daemon sends every 30 frames.
    static func clientPath(queues: Int) -> (delta: Stats, fullFrame: Stats, deltaKiB: Int, fullKiB: Int)? {
        let encoder = controlJSONEncoder()
        let decoder = JSONDecoder()
        var snapshots = [snapshot(queues: queues, variant: 0)]
        for tick in 0..<30 { snapshots.append(changing(snapshots[tick], phase: tick % 10, tick: tick)) }
        var frames: [Data] = []
        for i in 1..<snapshots.count {
            guard let delta = SnapshotDelta.between(snapshots[i - 1], snapshots[i]),
                  let data = try? encoder.encode(ControlFrame.snapshotDelta(delta)) else { return nil }
            frames.append(data)
        }
        guard let full = try? encoder.encode(ControlFrame.snapshot(snapshots[0])) else { return nil }
        var merger = SnapshotMerger()
        _ = merger.receive(.snapshot(snapshots[0]))
        var deltaCPU: [Double] = []
        for (i, data) in frames.enumerated() {
            deltaCPU.append(measure {
                guard let frame = try? decoder.decode(ControlFrame.self, from: data) else { return }
                _ = merger.receive(frame)
            }.cpu)
            if merger.current != snapshots[i + 1] { print("  merge mismatch at frame \(i + 1)"); return nil }
        }
        let fullCPU = (0..<10).map { _ in measure { _ = try? decoder.decode(ControlFrame.self, from: full) }.cpu }
        return (stats(deltaCPU), stats(fullCPU), frames[0].count / 1024, full.count / 1024)
    }
}
