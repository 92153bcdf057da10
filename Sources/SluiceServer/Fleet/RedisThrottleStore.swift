import SluiceConfig
import SluiceCore
import SluiceRedis

/// The fleet's shared throttles in Redis through the node's ``ClusterLink``: GCRA grants and the
/// hourly and daily caps by ``ThrottleScripts/grant``, connection leases as members of a sorted
/// set per queue scored by when they lapse, renewed every heartbeat while held.
///
/// Keys, under the key prefix, per queue `DOMAIN/VMTA` (the same queue name on every node shares
/// them): `throttle:Q:tat`, `throttle:Q:hour:N`, `throttle:Q:day:N`, `throttle:Q:leases`.
public actor RedisThrottleStore: SharedThrottleStore {
    nonisolated let link: ClusterLink
    nonisolated let clock: any Clock
    /// The leases this node holds, by queue: their ids in the lease sets.
    private var leases: [QueueKey: [String]] = [:]
    private var nextLease: UInt64 = 0
    private var renewal: Task<Void, Never>?

    /// A store on `link`; ``start()`` begins renewing leases.
    public init(link: ClusterLink, clock: any Clock) {
        self.link = link
        self.clock = clock
    }

    /// How long a lease lives without renewal: three heartbeats, at least a second.
    nonisolated var leaseTTL: Int64 { max(1_000, 3 * link.settings.heartbeat.milliseconds) }

    /// Renews the held leases every heartbeat until ``stop()``.
    public func start() {
        guard renewal == nil else { return }
        let (clock, period) = (clock, link.settings.heartbeat)
        renewal = Task {
            while !Task.isCancelled {
                do { try await clock.sleep(for: period) } catch { return }
                await self.renew()
            }
        }
    }

    /// Stops renewing (leases lapse in Redis).
    public func stop() {
        renewal?.cancel()
        renewal = nil
    }

    /// The Redis key of a queue's throttle state.
    nonisolated func key(_ queue: QueueKey, _ part: String) -> String {
        link.key("throttle:\(queue.domain)/\(queue.vmta):\(part)")
    }

    public func grant(_ request: GrantRequest) async -> GrantAnswer? {
        let keys = [key(request.queue, "tat"), key(request.queue, "hour"), key(request.queue, "day")]
        let arguments = [request.count, Int(request.intervalMicroseconds), request.burst, request.perHour, request.perDay]
            .map(String.init)
        guard let reply = try? await link.evaluate(ThrottleScripts.grant, keys: keys, arguments: arguments),
              let values = reply.elements, values.count == 2,
              case .integer(let granted) = values[0], case .integer(let retry) = values[1] else { return nil }
        return GrantAnswer(granted: Int(granted), retryAfter: TimeSpan(milliseconds: retry))
    }

    public func acquireLease(_ request: LeaseRequest) async -> Bool? {
        nextLease += 1
        let id = "\(link.settings.nodeName)#\(nextLease)"
        let arguments = [String(request.limit), id, String(leaseTTL)]
        guard let reply = try? await link.evaluate(ThrottleScripts.acquireLease, keys: [key(request.queue, "leases")],
                                                   arguments: arguments),
              case .integer(let granted) = reply else { return nil }
        if granted == 1 { leases[request.queue, default: []].append(id) }
        return granted == 1
    }

    public func releaseLease(_ queue: QueueKey) async {
        guard let id = leases[queue]?.popLast() else { return }
        if leases[queue]?.isEmpty == true { leases[queue] = nil }
        _ = try? await link.send(["ZREM", key(queue, "leases"), id])
    }

    public func forgetLeases() {
        leases = [:]
    }

    /// The leases held, per queue (for status and tests).
    public var heldLeases: [QueueKey: Int] { leases.mapValues(\.count) }

    private func renew() async {
        let ttl = String(leaseTTL)
        for (queue, ids) in leases where !ids.isEmpty {
            _ = try? await link.evaluate(ThrottleScripts.renewLeases, keys: [key(queue, "leases")], arguments: [ttl] + ids)
        }
    }
}
