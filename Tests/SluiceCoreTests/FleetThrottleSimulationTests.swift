import SluiceConfig
import Testing
@testable import SluiceCore

/// The fleet's shared store in process, as the Redis scripts (SluiceServer's ThrottleScripts) keep
/// it: GCRA whose theoretical arrival time may run ahead by the burst plus the batch, and a lease
/// count per queue.
struct SharedBook {
    var tat: [QueueKey: Int64] = [:]
    var leases: [QueueKey: Int] = [:]
    var peakLeases = 0

    mutating func grant(_ request: GrantRequest, now: Instant) -> GrantAnswer {
        let nowUs = now.milliseconds * 1000, interval = request.intervalMicroseconds
        guard interval > 0 else { return GrantAnswer(granted: request.count, retryAfter: TimeSpan(milliseconds: 0)) }
        let current = max(tat[request.queue] ?? 0, nowUs)
        let window = Int64(max(1, request.burst) - 1 + request.count) * interval
        let allowed = Int((nowUs + window - current) / interval)
        let granted = max(0, min(request.count, allowed))
        guard granted > 0 else {
            return GrantAnswer(granted: 0, retryAfter: TimeSpan(milliseconds: max(1, (current + interval - window - nowUs + 999) / 1000)))
        }
        tat[request.queue] = current + Int64(granted) * interval
        return GrantAnswer(granted: granted, retryAfter: TimeSpan(milliseconds: 0))
    }

    mutating func acquire(_ request: LeaseRequest) -> Bool {
        guard leases[request.queue, default: 0] < request.limit else { return false }
        leases[request.queue, default: 0] += 1
        peakLeases = max(peakLeases, leases[request.queue, default: 0])
        return true
    }

    mutating func release(_ queue: QueueKey) { leases[queue, default: 0] -= 1 }
}

@Suite("Fleet throttles over simulated time: grants in batches, connection leases, the fallback share")
struct FleetThrottleSimulationTests {
    static let gmail = QueueKey(domain: "gmail.com", vmta: "default")

    static func nodes() throws -> [Simulator] {
        let config = StaticEngineConfiguration(domains: ["gmail.com": try settings([("max-msg-rate", "30/s"), ("max-smtp-out", "6")])])
        return (0..<3).map { _ in
            var sim = Simulator(config)
            sim.connectLatency = TimeSpan(milliseconds: 20)
            sim.transactionLatency = TimeSpan(milliseconds: 40)
            return sim
        }
    }

    /// Runs the nodes in 10 ms steps from `start` to `end`, each offered `offer` messages every
    /// 100 ms (30 a second unless told), answering their grant and lease requests from `book` (nil: the store is down and nothing is
    /// answered). Returns the peak of connections open at once over all nodes.
    static func run(_ nodes: inout [Simulator], book: inout SharedBook?, from start: Int64, to end: Int64,
                    nextID: inout UInt64, offer: Int = 3) throws -> Int {
        var peak = 0
        var t = start
        while t < end {
            t += 10
            for n in nodes.indices {
                if t % 100 == 0, offer > 0 {
                    nodes[n].now = Instant(milliseconds: t)
                    try nodes[n].inject(offer, to: "gmail.com", firstID: nextID)
                    nextID += UInt64(offer)
                }
                nodes[n].run(until: Instant(milliseconds: t))
                while !nodes[n].fleetRequests.isEmpty {
                    let request = nodes[n].fleetRequests.removeFirst()
                    guard book != nil else { continue }
                    let now = nodes[n].now
                    switch request {
                    case .requestGrants(let r):
                        let answer = book!.grant(r, now: now)
                        nodes[n].handle(nodes[n].engine.grantsReceived(r.queue, answer, now: now))
                    case .acquireLease(let r):
                        let granted = book!.acquire(r)
                        nodes[n].handle(nodes[n].engine.leaseAnswered(r.queue, granted: granted, now: now))
                    case .releaseLease(let queue):
                        book!.release(queue)
                    default:
                        break
                    }
                }
            }
            peak = max(peak, nodes.reduce(0) { $0 + ($1.openNow[gmail] ?? 0) })
        }
        return peak
    }

    @Test("three nodes offered 30/s each, 30/s and max-smtp-out 6 shared: 30/s ± 3 % in total, never more than 6 connections")
    func sharedRate() throws {
        var nodes = try Self.nodes()
        for n in nodes.indices { nodes[n].handle(nodes[n].engine.setFleetThrottling(.shared, now: .zero)) }
        var book: SharedBook? = SharedBook()
        var nextID: UInt64 = 1
        let peak = try Self.run(&nodes, book: &book, from: 0, to: 120_000, nextID: &nextID)
        let sent = nodes.reduce(0) { $0 + $1.started.count }
        #expect(abs(Double(sent) / 120 - 30) <= 0.9, "\(sent) messages in 120 s")
        #expect(peak <= 6, "peak \(peak) connections")
        #expect((book?.peakLeases ?? 0) <= 6)
        for node in nodes { node.checkInvariants() }
    }

    @Test("store down for 30 s: each node at a third of each limit; shared again after it returns")
    func fallbackShare() throws {
        var nodes = try Self.nodes()
        for n in nodes.indices { nodes[n].handle(nodes[n].engine.setFleetThrottling(.shared, now: .zero)) }
        var book: SharedBook? = SharedBook()
        var nextID: UInt64 = 1
        _ = try Self.run(&nodes, book: &book, from: 0, to: 30_000, nextID: &nextID)
        let before = nodes.map(\.started.count)
        var down: SharedBook? = nil
        for n in nodes.indices {
            nodes[n].handle(nodes[n].engine.setFleetThrottling(.fallback(liveNodes: 3), now: Instant(milliseconds: 30_000)))
        }
        let peakDown = try Self.run(&nodes, book: &down, from: 30_000, to: 60_000, nextID: &nextID)
        let during = zip(nodes.map(\.started.count), before).map { $0 - $1 }
        for count in during { #expect(count <= 10 * 30 + 2, "a node sent \(count) in 30 s on its share of 10/s") }
        #expect(during.reduce(0, +) >= 850, "delivery goes on: \(during)")
        #expect(peakDown <= 6, "2 connections a node: peak \(peakDown)")
        book = SharedBook()
        for n in nodes.indices { nodes[n].handle(nodes[n].engine.setFleetThrottling(.shared, now: Instant(milliseconds: 60_000))) }
        let middle = nodes.map(\.started.count)
        let peakAfter = try Self.run(&nodes, book: &book, from: 60_000, to: 90_000, nextID: &nextID)
        let after = zip(nodes.map(\.started.count), middle).map { $0 - $1 }.reduce(0, +)
        #expect(abs(Double(after) / 30 - 30) <= 1.5, "shared again: \(after) in 30 s")
        #expect(peakAfter <= 6 + 2, "at most the fallback share above the limit while reconciling: \(peakAfter)")
        let injected = Int(nextID - 1)
        let accounted = nodes.reduce(0) { $0 + $1.started.count + $1.engine.pendingRecipients }
        #expect(accounted >= injected, "nothing lost: \(accounted) started or queued of \(injected)")
    }

    @Test("a node done with its mail gives its leases back at once: another node's mail goes out within a second, not after idle-timeout")
    func idleLeasesGoBack() throws {
        var nodes = try Self.nodes()
        for n in nodes.indices { nodes[n].handle(nodes[n].engine.setFleetThrottling(.shared, now: .zero)) }
        var book: SharedBook? = SharedBook()
        var nextID: UInt64 = 1
        nodes[0].now = .zero
        try nodes[0].inject(12, to: "gmail.com", firstID: nextID)
        nextID += 12
        _ = try Self.run(&nodes, book: &book, from: 0, to: 2_000, nextID: &nextID, offer: 0)
        #expect(nodes[0].started.count == 12, "node 0 sent its burst: \(nodes[0].started.count)")
        #expect(book?.leases[Self.gmail, default: 0] == 0, "no lease is held by idle connections")
        nodes[1].now = Instant(milliseconds: 2_000)
        try nodes[1].inject(12, to: "gmail.com", firstID: nextID)
        nextID += 12
        _ = try Self.run(&nodes, book: &book, from: 2_000, to: 3_000, nextID: &nextID, offer: 0)
        #expect(nodes[1].started.count == 12, "node 1 got leases within a second: \(nodes[1].started.count) of 12 started")
        for node in nodes { node.checkInvariants() }
    }
}
