import Foundation
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore
import SluiceRedis

/// Fleet-wide operator actions (docs/fleet.md, "Operator actions"): a hold, pause or throttle
/// override given on any node is stored in Redis's `PREFIX actions` hash under its slot and
/// published on the channel `actions`; every other node carries it out through its own control
/// plane (audited there as `fleet:ORIGIN/CLIENT`), and a node that starts or reconnects reconciles
/// its controls with the hash (``FleetActionPlanner/reconcile(stored:controls:node:now:isShared:)``).
extension MailNode {
    /// The hash of the fleet's current controls, one per slot (under the key prefix).
    static let fleetActionsKey = "actions"
    /// The channel actions are published on (under the key prefix).
    static let fleetActionsChannel = "actions"

    /// Shares an operator command this node has carried out with the rest of the fleet; returns
    /// what the operator's outcome should add (`shared with the fleet`, or why not yet). Commands
    /// received from the fleet, and every command without a `<cluster>` block, are not shared.
    func shareWithFleet(_ command: ControlCommand, context: CommandContext, controlsBefore: [Control]) async -> String? {
        guard let cluster, !context.actor.label.hasPrefix(FleetAction.labelPrefix) else { return nil }
        let actions = FleetActionPlanner.actions(for: command, context: context, node: cluster.settings.nodeName,
                                                 controlsBefore: controlsBefore)
        guard !actions.isEmpty else { return nil }
        do throws(ClusterLinkError) {
            try await publish(actions, on: cluster)
            return "shared with the fleet"
        } catch {
            fleetActionOutbox += actions
            log("fleet: \(command) not shared yet (\(error)); it will be when redis answers")
            return "fleet: redis unreachable, shared when it answers"
        }
    }

    /// Stores (lasting actions and tombstones) and publishes `actions` in one round trip.
    private func publish(_ actions: [FleetAction], on cluster: ClusterLink) async throws(ClusterLinkError) {
        var commands: [[String]] = []
        for action in actions {
            guard let json = Self.json(action) else { continue }
            if !action.slot.isEmpty { commands.append(["HSET", cluster.key(Self.fleetActionsKey), action.slot, json]) }
            commands.append(["PUBLISH", cluster.key(Self.fleetActionsChannel), json])
        }
        for reply in try await cluster.sendBatch(commands) {
            if case .error(let message) = reply { throw .server(message) }
        }
    }

    /// Begins taking part in the fleet's actions once the spool's controls are restored (so that
    /// reconciling sees them): subscribes, then reconciles. Nothing without a `<cluster>` block.
    func startFleetActions() async {
        guard let cluster else { return }
        await watchFleetActions(cluster)
        await resynchroniseFleetActions()
    }

    /// Subscribes to the fleet's actions: each received one is carried out here.
    private func watchFleetActions(_ cluster: ClusterLink) async {
        let stream = await cluster.subscribe(Self.fleetActionsChannel)
        let me = cluster.settings.nodeName
        fleetActionsWatch = Task { [weak self] in
            for await payload in stream {
                guard let self, let action = try? JSONDecoder().decode(FleetAction.self, from: Data(payload)),
                      action.origin != me else { continue }
                await self.carryOut(FleetActionPlanner.step(for: action, controls: await self.core.engine.activeControls,
                                                            now: await self.now.secondsSince1970), of: action)
            }
        }
    }

    /// After (re)connecting: shares what waited in the outbox, then reconciles this node's
    /// controls with the fleet's hash. Nothing before ``startFleetActions()``.
    func resynchroniseFleetActions() async {
        guard let cluster, fleetActionsWatch != nil, await cluster.state.isConnected else { return }
        let waiting = fleetActionOutbox
        fleetActionOutbox = []
        if !waiting.isEmpty {
            do throws(ClusterLinkError) { try await publish(waiting, on: cluster) } catch {
                fleetActionOutbox = waiting + fleetActionOutbox
                return
            }
        }
        let stored: [FleetAction]
        do throws(ClusterLinkError) {
            let reply = try await cluster.send(["HGETALL", cluster.key(Self.fleetActionsKey)])
            stored = Self.actions(in: reply)
        } catch {
            log("fleet: operator actions not read from redis: \(error)")
            return
        }
        let plan = FleetActionPlanner.reconcile(stored: stored, controls: core.engine.activeControls,
                                                node: cluster.settings.nodeName, now: now.secondsSince1970,
                                                isShared: { $0.client != Self.blocklistActor })
        for taken in plan.steps { await carryOut(taken.step, of: taken.action) }
        if !plan.publish.isEmpty {
            do throws(ClusterLinkError) { try await publish(plan.publish, on: cluster) } catch { fleetActionOutbox += plan.publish }
        }
        if !plan.forget.isEmpty {
            _ = try? await cluster.send(["HDEL", cluster.key(Self.fleetActionsKey)] + plan.forget)
        }
        if !(plan.steps.isEmpty && plan.publish.isEmpty) {
            log("fleet: operator actions reconciled: \(plan.steps.count) taken from the fleet, \(plan.publish.count) shared")
        }
    }

    /// Carries out a step through the control plane, as the action's origin (audited as
    /// `fleet:ORIGIN/CLIENT`, never published again).
    private func carryOut(_ step: FleetActionPlanner.Step, of action: FleetAction) async {
        let (actor, reason) = (action.receivedActor, "\(action.reason) (from \(action.origin))")
        let result: Result<ControlResult, ControlError>
        switch step {
        case .none: return
        case .apply(let command, let ttl):
            result = await controlService.result(of: .execute(command), reason: reason, ttlSeconds: ttl, by: actor)
        case .end(let control):
            result = await controlService.result(of: .execute(FleetActionPlanner.ending(control)), reason: reason, by: actor)
        }
        if case .failure(let error) = result {
            log("fleet: action from \(action.origin) not carried out: \(error.message)")
        }
    }

    /// The actions in an HGETALL reply (field, value, field, value …); undecodable values skipped.
    static func actions(in reply: RESPValue) -> [FleetAction] {
        let items = reply.elements ?? []
        return stride(from: 1, to: items.count, by: 2).compactMap { index in
            guard case .bulkString(let bytes?) = items[index] else { return nil }
            return try? JSONDecoder().decode(FleetAction.self, from: Data(bytes))
        }
    }

    private static func json(_ action: FleetAction) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(action)).flatMap { String(data: $0, encoding: .utf8) }
    }
}
