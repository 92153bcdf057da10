import SluiceConfig
import SluiceControlProtocol
import SluiceCore

extension MailNode {
    /// Connects to the fleet's Redis (one attempt; the link keeps trying in the background) and
    /// puts the engine's throttles where the link's state says: shared when connected, this
    /// node's share of each limit otherwise. Nothing without a `<cluster>` block.
    func startFleet() async {
        guard let cluster, let throttleStore else { return }
        let events = await cluster.observe()
        await cluster.start()
        await throttleStore.start()
        await suppressionReplica?.start()
        await fleetChanged(cluster.state, liveNodes: cluster.liveNodes)
        fleetWatch = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                switch event {
                case .reconnected:
                    await self.fleetChanged(await cluster.state, liveNodes: await cluster.liveNodes)
                    await self.resynchroniseFleetActions()
                case .degraded:
                    await self.fleetChanged(await cluster.state, liveNodes: await cluster.liveNodes)
                case .liveNodes(let count):
                    await self.fleetNodesCounted(count)
                }
            }
        }
    }

    /// Leaves the fleet: membership removed, leases left to lapse.
    func stopFleet() async {
        fleetWatch?.cancel()
        fleetActionsWatch?.cancel()
        await throttleStore?.stop()
        await suppressionReplica?.stop()
        await cluster?.stop()
    }

    /// The link connected or degraded: the throttles follow (shared, or the fallback share), with
    /// an event and a log line when the mode changes.
    func fleetChanged(_ state: ClusterLinkState, liveNodes: Int) async {
        guard var status = fleetStatus else { return }
        let mode: FleetThrottling = state.isConnected ? .shared : .fallback(liveNodes: max(1, liveNodes))
        status.state = state
        status.liveNodes = liveNodes
        let changed = status.throttling != mode
        status.throttling = mode
        fleetStatus = status
        guard changed else { return }
        await throttleStore?.forgetLeases()
        let detail = state.isConnected
            ? "fleet: throttles shared through redis (\(liveNodes) live node\(liveNodes == 1 ? "" : "s"))"
            : "fleet: \(state): each limit at this node's share, 1/\(max(1, liveNodes))"
        log(detail)
        events.publish(EventRecord(time: now.secondsSince1970, kind: state.isConnected ? "fleet-connected" : "fleet-degraded",
                                   queue: "", recipient: "", code: 0, dsnDiag: detail, category: ""))
        perform(core.setFleetThrottling(mode, now: now))
    }

    /// The live node count changed (while connected).
    func fleetNodesCounted(_ count: Int) {
        fleetStatus?.liveNodes = count
    }

    /// Carries out a grant or lease effect through the throttle store; the answer comes back as
    /// an input. A store that does not answer grants nothing (asked again after a short wait).
    func performFleet(_ effect: NodeEffect) {
        guard let store = throttleStore else { return }
        switch effect {
        case .requestGrants(let request):
            Task {
                let answer = await store.grant(request) ?? GrantAnswer(granted: 0, retryAfter: TimeSpan(milliseconds: 250))
                self.grantsAnswered(request.queue, answer)
            }
        case .acquireLease(let request):
            Task {
                let granted = await store.acquireLease(request) ?? false
                self.leaseAnswered(request.queue, granted: granted)
            }
        case .releaseLease(let queue):
            Task { await store.releaseLease(queue) }
        default:
            break
        }
    }

    private func grantsAnswered(_ queue: QueueKey, _ answer: GrantAnswer) {
        perform(core.grantsReceived(queue, answer, now: now))
    }

    private func leaseAnswered(_ queue: QueueKey, granted: Bool) {
        perform(core.leaseAnswered(queue, granted: granted, now: now))
    }
}
