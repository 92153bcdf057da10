import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

/// Between a node's controls and the fleet's actions (``FleetAction``): what an operator command
/// shares, what a received action changes here, and how a node that starts or reconnects brings
/// its controls and the fleet's stored ones together. Pure.
enum FleetActionPlanner {
    /// What a received action (or a stored one) asks of this node.
    enum Step: Equatable {
        /// Carry out the command, for `ttlSeconds` (nil: until ended).
        case apply(ControlCommand, ttlSeconds: Int?)
        /// End the local control (release, resume or cancel it).
        case end(Control)
        /// Nothing to do: already so, lapsed, or nothing to end.
        case none
    }

    /// The reconciliation of the fleet's stored actions with this node's controls.
    struct Reconciliation: Equatable {
        /// A stored action and what it asks of this node.
        struct Taken: Equatable {
            var action: FleetAction
            var step: Step
        }
        /// Stored actions to carry out here: controls to set, or to end (tombstones).
        var steps: [Taken] = []
        /// Local controls the fleet does not know (given while Redis was down, or lost with
        /// Redis's data), to publish.
        var publish: [FleetAction] = []
        /// Slots whose stored entries are lapsed controls or old tombstones, to delete.
        var forget: [String] = []
    }

    /// How long a tombstone is kept (seconds): a node away for longer takes its own controls
    /// of that slot back to the fleet.
    static let tombstoneLifetime = 86_400.0
    /// Two controls of one slot whose expiries differ by less than this (seconds) are the same.
    static let expirySlack = 5.0

    // MARK: - Sharing

    /// The actions to share for `command`, which this node has just carried out for an operator.
    /// - Parameters:
    ///   - controlsBefore: the node's active controls before the command (a cancelled control's slot).
    ///   - node: this node's name.
    static func actions(for command: ControlCommand, context: CommandContext, node: String,
                        controlsBefore: [Control]) -> [FleetAction] {
        func action(_ slot: String, _ command: ControlCommand?) -> FleetAction {
            FleetAction(slot: slot, command: command, origin: node, actor: context.actor, reason: context.reason,
                        time: context.issuedAt, expiresAt: command == nil ? nil : context.expiresAt)
        }
        switch command {
        case .hold(let domain):
            return [action(FleetAction.slot(of: .hold(.domain(domain.lowercased()))), command)]
        case .release(let domain):
            return [action(FleetAction.slot(of: .hold(.domain(domain.lowercased()))), nil)]
        case .pause(let target):
            return [action(FleetAction.slot(of: .pause(target.normalized)), command)]
        case .resume(let target):
            return [action(FleetAction.slot(of: .pause(target.normalized)), nil)]
        case .setThrottle(let target, let settings, let persist):
            return settings.map { setting in
                action(FleetAction.slot(of: .throttle(target.normalized, directive: setting.directive, value: setting.value)),
                       .setThrottle(target: target, settings: [setting], persist: persist))
            }
        case .addReplyRule(let target, let pattern, let actions):
            return [action(FleetAction.slot(of: .replyRule(target.normalized, pattern: pattern, actions: actions)), command)]
        case .cancelControl(let id):
            guard let number = ControlCommand.controlNumber(id),
                  let control = controlsBefore.first(where: { $0.id == number }) else { return [] }
            return [action(FleetAction.slot(of: control.kind), nil)]
        case .setMode, .schedule:
            return [action("", command)]
        case .delete, .reload:
            return []
        }
    }

    // MARK: - Receiving

    /// What `action`, received from another node, asks of this node at `now` (Unix seconds).
    /// - Parameter controls: the node's active controls.
    static func step(for action: FleetAction, controls: [Control], now: Double) -> Step {
        guard let command = action.command else {
            return control(in: action.slot, of: controls).map(Step.end) ?? .none
        }
        guard !action.slot.isEmpty else { return .apply(command, ttlSeconds: nil) }
        guard !action.hasExpired(at: now) else { return .none }
        if let local = control(in: action.slot, of: controls), matches(local, action) { return .none }
        return .apply(command, ttlSeconds: action.expiresAt.map { max(1, Int(($0 - now).rounded(.up))) })
    }

    /// The reconciliation of `stored` (the fleet's hash, one action per slot) with `controls`
    /// at `now` (Unix seconds).
    /// - Parameters:
    ///   - isShared: whether a local control is an operator's (shared with the fleet) rather than
    ///     one the node set by itself (a blocklist pause).
    ///   - node: this node's name, the origin of what it publishes.
    static func reconcile(stored: [FleetAction], controls: [Control], node: String, now: Double,
                          isShared: (Control) -> Bool) -> Reconciliation {
        var plan = Reconciliation()
        let bySlot = Dictionary(stored.map { ($0.slot, $0) }, uniquingKeysWith: { a, b in a.time >= b.time ? a : b })
        let local = Dictionary(controls.filter(isShared).map { (FleetAction.slot(of: $0.kind), $0) },
                               uniquingKeysWith: { a, b in a.createdAt >= b.createdAt ? a : b })
        for (slot, action) in bySlot.sorted(by: { $0.key < $1.key }) {
            let mine = local[slot]
            if action.isCleared {
                if let mine {
                    if seconds(mine.createdAt) > action.time, !isReceived(mine) {
                        plan.publish.append(share(mine, node: node))
                    } else {
                        plan.steps.append(.init(action: action, step: .end(mine)))
                    }
                } else if now - action.time > tombstoneLifetime {
                    plan.forget.append(slot)
                }
                continue
            }
            if action.hasExpired(at: now) {
                plan.forget.append(slot)
                if let mine, !isReceived(mine) { plan.publish.append(share(mine, node: node)) }
                continue
            }
            if let mine {
                if matches(mine, action) { continue }
                if seconds(mine.createdAt) > action.time, !isReceived(mine) {
                    plan.publish.append(share(mine, node: node))
                    continue
                }
            }
            let step = self.step(for: action, controls: controls, now: now)
            if step != .none { plan.steps.append(.init(action: action, step: step)) }
        }
        for (slot, mine) in local.sorted(by: { $0.key < $1.key }) where bySlot[slot] == nil {
            plan.publish.append(share(mine, node: node))
        }
        return plan
    }

    /// The command that ends `control` on this node: release, resume or cancel.
    static func ending(_ control: Control) -> ControlCommand {
        switch control.kind {
        case .hold(.domain(let domain)): return .release(domain: domain)
        case .pause(let target): return .resume(target: target)
        default: return .cancelControl(id: String(control.id))
        }
    }

    // MARK: - Helpers

    /// The shared control in `slot`, if any.
    private static func control(in slot: String, of controls: [Control]) -> Control? {
        controls.last { FleetAction.slot(of: $0.kind) == slot }
    }

    /// True when `control` is what `action` sets: same kind (and value) and, give or take
    /// ``expirySlack``, the same expiry.
    private static func matches(_ control: Control, _ action: FleetAction) -> Bool {
        guard let command = action.command, kind(of: command) == control.kind else { return false }
        switch (control.expiresAt.map(seconds), action.expiresAt) {
        case (nil, nil): return true
        case (let a?, let b?): return abs(a - b) < expirySlack
        default: return false
        }
    }

    /// The control kind a lasting command creates (a one-setting throttle), or nil.
    static func kind(of command: ControlCommand) -> ControlKind? {
        switch command {
        case .hold(let domain): return .hold(.domain(domain.lowercased()))
        case .pause(let target): return .pause(target.normalized)
        case .setThrottle(let target, let settings, _) where settings.count == 1:
            return .throttle(target.normalized, directive: settings[0].directive, value: settings[0].value)
        case .addReplyRule(let target, let pattern, let actions): return .replyRule(target.normalized, pattern: pattern, actions: actions)
        default: return nil
        }
    }

    /// True for a control this node took from the fleet (its client is `fleet:…`).
    private static func isReceived(_ control: Control) -> Bool {
        control.client?.hasPrefix(FleetAction.labelPrefix) ?? false
    }

    /// A local control as the action that shares it.
    private static func share(_ control: Control, node: String) -> FleetAction {
        let command: ControlCommand
        switch control.kind {
        case .hold(let target): command = .hold(domain: target.name)
        case .pause(let target): command = .pause(target: target)
        case .throttle(let target, let directive, let value):
            command = .setThrottle(target: target, settings: [ThrottleSetting(directive: directive, value: value)], persist: false)
        case .replyRule(let target, let pattern, let actions): command = .addReplyRule(target: target, pattern: pattern, actions: actions)
        }
        let (origin, label) = received(control.client ?? control.who, node: node)
        return FleetAction(slot: FleetAction.slot(of: control.kind), command: command, origin: origin,
                           actor: ControlActor(uid: nil, user: nil, tokenID: nil, label: label), reason: control.why,
                           time: seconds(control.createdAt), expiresAt: control.expiresAt.map(seconds))
    }

    /// The origin node and client label of a control's client label (`fleet:a/console` → a,
    /// console; `cli` → this node, cli).
    private static func received(_ client: String, node: String) -> (origin: String, label: String) {
        guard client.hasPrefix(FleetAction.labelPrefix) else { return (node, client) }
        let rest = client.dropFirst(FleetAction.labelPrefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return (String(rest), "fleet") }
        return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
    }

    private static func seconds(_ instant: Instant) -> Double { Double(instant.milliseconds) / 1000 }
}
