import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

/// One operator action shared with the fleet through Redis: a hold, pause or throttle override
/// given on any node (set), its end (cleared), or a one-off switch (`set-mode`, `schedule`).
///
/// Lasting actions are stored in the hash `PREFIX actions` under their ``slot`` — the place a
/// control occupies, where a newer control of the same slot replaces the older as it does in the
/// engine (`hold gmail.com`, `pause vmta vmta1`, `throttle gmail.com max-msg-rate`) — so the hash
/// holds the fleet's current controls, one per slot, and a node that starts or reconnects takes
/// them from there. A cleared slot stays in the hash as a tombstone (``command`` nil) with the
/// time it was cleared, so that a node that was away does not bring back a control the fleet
/// ended meanwhile. Every action is also published on the channel `actions` for the nodes
/// connected now.
public struct FleetAction: Codable, Hashable, Sendable {
    /// The control slot (lasting actions), or the empty string for a one-off action.
    public var slot: String
    /// The command every node carries out; nil when the slot was cleared.
    public var command: ControlCommand?
    /// The node the operator gave it on.
    public var origin: String
    /// Who gave it, as that node's control plane identified them.
    public var actor: ControlActor
    /// Why.
    public var reason: String
    /// Unix time (seconds) it was given, or the slot cleared.
    public var time: Double
    /// Unix time (seconds) the control lapses, nil for never.
    public var expiresAt: Double?

    /// Creates an action.
    public init(slot: String, command: ControlCommand?, origin: String, actor: ControlActor, reason: String, time: Double,
                expiresAt: Double?) {
        self.slot = slot
        self.command = command
        self.origin = origin
        self.actor = actor
        self.reason = reason
        self.time = time
        self.expiresAt = expiresAt
    }

    /// True for an action that sets a lasting control (stored under its slot).
    public var isLasting: Bool { !slot.isEmpty && command != nil }
    /// True for a tombstone: the slot's control ended.
    public var isCleared: Bool { command == nil }

    /// True when the control it sets has lapsed at `now` (Unix seconds).
    public func hasExpired(at now: Double) -> Bool { expiresAt.map { $0 <= now } ?? false }

    /// The client label a node that receives it records: `fleet:ORIGIN/LABEL` (`fleet:a/console`).
    /// Commands with this label are never published again.
    public var receivedActor: ControlActor {
        ControlActor(uid: actor.uid, user: actor.user, tokenID: actor.tokenID,
                     label: "\(Self.labelPrefix)\(origin)/\(actor.label)")
    }

    /// The prefix of the client label of commands received from the fleet.
    public static let labelPrefix = "fleet:"

    /// The slot of a control: where a newer control of the same kind and target replaces it.
    public static func slot(of kind: ControlKind) -> String {
        switch kind {
        case .hold(let target): return "hold \(target)"
        case .pause(let target): return "pause \(target)"
        case .throttle(let target, let directive, _): return "throttle \(target) \(directive)"
        case .replyRule(let target, let pattern, _): return "reply-rule \(target) /\(pattern)/"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case slot, command, origin, actor, reason, time
        case expiresAt = "expires_at"
    }
}
