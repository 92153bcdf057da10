import SluiceControlProtocol
import SluiceCore

/// The node's place in the fleet as the status shows it.
struct FleetStatus: Sendable, Hashable {
    /// This node's name.
    var node: String
    /// Connected, or degraded since when.
    var state: ClusterLinkState
    /// Live nodes at the last heartbeat (the last known count while degraded).
    var liveNodes: Int
    /// Where the engine keeps its throttles now.
    var throttling: FleetThrottling
}

extension FleetStatus {
    /// The figures `show status` reports.
    static func figures(_ status: FleetStatus) -> FleetFigures {
        var since: Double?
        if case .degraded(let instant) = status.state { since = instant.secondsSince1970 }
        return FleetFigures(node: status.node, state: status.state.isConnected ? "connected" : "degraded", degradedSince: since,
                            liveNodes: status.liveNodes, throttles: status.throttling.description)
    }
}
