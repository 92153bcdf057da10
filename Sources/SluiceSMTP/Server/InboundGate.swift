import SluiceConfig
import SluiceBase
import Synchronization

/// The limits every inbound SMTP connection of a node shares, whichever listener it came in on.
public struct InboundLimits: Sendable {
    /// Simultaneous connections over all listeners (`total-max-smtp-in`, further bounded by the
    /// descriptors the process may open); nil is unlimited.
    public var totalConnections: Int?
    /// Bytes of message content held in memory by all sessions together
    /// (`smtp-in-message-memory`): beyond it DATA gets `452 4.3.1`, and a message that would
    /// cross it is read to its end, discarded and refused with `452 4.3.1`.
    public var messageMemory: Int
    /// `reserved-smtp-in` of each `<source-group>` by name: of ``totalConnections``, so many are
    /// kept for the group's clients (while the group has fewer open, others may not take them).
    public var reservedConnections: [String: Int]

    /// Creates limits.
    public init(totalConnections: Int? = nil, messageMemory: Int = 256 << 20, reservedConnections: [String: Int] = [:]) {
        self.totalConnections = totalConnections
        self.messageMemory = messageMemory
        self.reservedConnections = reservedConnections.filter { $0.value > 0 }
    }
}

/// Why a new connection was refused with `421 4.3.2`.
public enum InboundRefusal: String, Hashable, Sendable, CaseIterable {
    /// `total-max-smtp-in` (or the descriptor reserve) is reached.
    case totalConnections = "total-max-smtp-in"
    /// The client's address has `max-smtp-in` connections open.
    case connectionsPerAddress = "max-smtp-in"
    /// The client's `<source-group>` has its `max-smtp-in` connections open.
    case connectionsPerGroup = "source-group max-smtp-in"
    /// The connections left under `total-max-smtp-in` are reserved for other source groups
    /// (`reserved-smtp-in`).
    case reservedForGroups = "reserved-smtp-in"
    /// The client's address opened `max-smtp-in-rate` connections in the current period.
    case connectionRate = "max-smtp-in-rate"
}

/// Counts inbound connections and message memory for a node's SMTP listeners: admits or refuses
/// each new connection against ``InboundLimits`` and the client's ``SourcePolicy``, and hands out
/// memory for message content. Thread-safe; every event loop of every listener shares one.
public final class InboundGate: Sendable {
    /// Figures for logs, metrics and tests.
    public struct Statistics: Hashable, Sendable {
        /// Connections open now.
        public var open: Int
        /// Connections refused since start, by reason.
        public var refused: [InboundRefusal: Int]
        /// Bytes of message content held now.
        public var messageBytes: Int
        /// Messages refused with `452 4.3.1` for lack of message memory since start.
        public var refusedForMemory: Int
    }

    private struct RateWindow {
        var start: Instant
        var count: Int
    }

    private struct State {
        var open = 0
        var perAddress: [IPAddress: Int] = [:]
        var perGroup: [String: Int] = [:]
        var windows: [IPAddress: RateWindow] = [:]
        var refused: [InboundRefusal: Int] = [:]
        var messageBytes = 0
        var refusedForMemory = 0
        var lastLog: [InboundRefusal: Instant] = [:]
        var unlogged: [InboundRefusal: Int] = [:]
    }

    /// The limits in force.
    public let limits: InboundLimits
    private let clock: any Clock
    /// Where refusals (and, for `log-connections` sources, connections) are logged.
    let log: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// Rate windows kept before expired ones are pruned.
    private static let windowPruneThreshold = 4096

    /// Creates a gate.
    ///
    /// - Parameters:
    ///   - limits: The node-wide limits.
    ///   - clock: The time source for connection-rate periods.
    ///   - log: Where refusals are logged (at most one line a second for each reason, with the
    ///     number of refusals not logged since).
    public init(limits: InboundLimits, clock: any Clock = WallClock(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.limits = limits
        self.clock = clock
        self.log = log
    }

    /// Admits a new connection from `address` under `policy`, or says why not. An admitted
    /// connection must be given back with ``release(_:group:)`` when it closes, with the name of
    /// the policy's ``SourcePolicy/connectionGroup``.
    public func admit(_ address: IPAddress, policy: SourcePolicy) -> InboundRefusal? {
        let now = clock.now()
        let (refusal, line) = state.withLock { s -> (InboundRefusal?, String?) in
            let refusal = Self.check(&s, address: address, policy: policy, limits: limits, now: now)
            guard let refusal else {
                s.open += 1
                s.perAddress[address, default: 0] += 1
                if let group = policy.connectionGroup { s.perGroup[group.name, default: 0] += 1 }
                return (nil, nil)
            }
            s.refused[refusal, default: 0] += 1
            if let last = s.lastLog[refusal], now - last < .seconds(1) {
                s.unlogged[refusal, default: 0] += 1
                return (refusal, nil)
            }
            s.lastLog[refusal] = now
            let more = s.unlogged.removeValue(forKey: refusal).map { " (and \($0) more since the last line)" } ?? ""
            return (refusal, "smtp-in: refused \(address) with 421 4.3.2: \(refusal.rawValue) reached, \(s.open) open\(more)")
        }
        if let line { log(line) }
        return refusal
    }

    private static func check(_ s: inout State, address: IPAddress, policy: SourcePolicy, limits: InboundLimits,
                              now: Instant) -> InboundRefusal? {
        if let total = limits.totalConnections {
            if s.open >= total { return .totalConnections }
            // What other groups have reserved and not used yet is not free for this client.
            let own = policy.connectionGroup?.name
            let held = limits.reservedConnections.reduce(0) { sum, entry in
                entry.key == own ? sum : sum + max(0, entry.value - s.perGroup[entry.key, default: 0])
            }
            if s.open + held >= total { return .reservedForGroups }
        }
        if let group = policy.connectionGroup, let limit = group.maxConnections,
           s.perGroup[group.name, default: 0] >= limit {
            return .connectionsPerGroup
        }
        if let perAddress = policy.maxConnections, s.perAddress[address, default: 0] >= perAddress {
            return .connectionsPerAddress
        }
        if case .limited(let count, let period)? = policy.connectionRate {
            if s.windows.count > windowPruneThreshold {
                s.windows = s.windows.filter { now - $0.value.start < period }
            }
            var window = s.windows[address] ?? RateWindow(start: now, count: 0)
            if now - window.start >= period { window = RateWindow(start: now, count: 0) }
            guard window.count < count else { return .connectionRate }
            window.count += 1
            s.windows[address] = window
        }
        return nil
    }

    /// Gives back the connection of an admitted client; `group` is the name of the connection
    /// group its policy had when admitted.
    public func release(_ address: IPAddress, group: String? = nil) {
        state.withLock { s in
            s.open = max(0, s.open - 1)
            let remaining = (s.perAddress[address] ?? 1) - 1
            s.perAddress[address] = remaining > 0 ? remaining : nil
            if let group {
                let left = (s.perGroup[group] ?? 1) - 1
                s.perGroup[group] = left > 0 ? left : nil
            }
        }
    }

    /// Connections open now from the clients of the source group `name`.
    public func openConnections(inGroup name: String) -> Int {
        state.withLock { $0.perGroup[name] ?? 0 }
    }

    /// True while the message memory is used up: new DATA commands get `452 4.3.1`.
    public var memoryExhausted: Bool {
        state.withLock { $0.messageBytes >= limits.messageMemory }
    }

    /// Takes `bytes` more of message memory; false (nothing taken) when that would cross the
    /// limit.
    public func reserveMessageMemory(_ bytes: Int) -> Bool {
        state.withLock { s in
            guard s.messageBytes + bytes <= limits.messageMemory else {
                s.refusedForMemory += 1
                return false
            }
            s.messageBytes += bytes
            return true
        }
    }

    /// Gives back message memory taken with ``reserveMessageMemory(_:)``.
    public func releaseMessageMemory(_ bytes: Int) {
        state.withLock { $0.messageBytes = max(0, $0.messageBytes - bytes) }
    }

    /// The current figures.
    public var statistics: Statistics {
        state.withLock { Statistics(open: $0.open, refused: $0.refused, messageBytes: $0.messageBytes,
                                    refusedForMemory: $0.refusedForMemory) }
    }
}
