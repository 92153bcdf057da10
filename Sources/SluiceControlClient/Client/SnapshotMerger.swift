import SluiceControlProtocol

/// Keeps a subscriber's current snapshot and turns the frames of the socket into the frames a
/// consumer sees: a full snapshot replaces it, a delta is merged into it and yields the merged
/// snapshot. A delta with no base (before the first full snapshot, or after frames were dropped,
/// when the daemon sends a full snapshot next) is ignored.
public struct SnapshotMerger: Sendable {
    /// The snapshot as of the last full or delta frame, if any.
    public private(set) var current: NodeSnapshot?

    /// Creates a merger with no snapshot yet.
    public init() {}

    /// The frame to hand on for `frame`, or nil when there is nothing to hand on.
    public mutating func receive(_ frame: ControlFrame) -> ControlFrame? {
        switch frame {
        case .snapshot(let snapshot):
            current = snapshot
            return frame
        case .snapshotDelta(let delta):
            guard let base = current else { return nil }
            let merged = delta.applied(to: base)
            current = merged
            return .snapshot(merged)
        case .dropped:
            current = nil
            return frame
        case .event:
            return frame
        }
    }
}
