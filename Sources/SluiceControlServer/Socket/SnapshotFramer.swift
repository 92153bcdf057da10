import SluiceControlProtocol

/// Chooses, for one socket subscriber, whether the next snapshot goes out whole or as a
/// ``SnapshotDelta`` against the last one sent. The rules:
/// - the first frame is a full snapshot;
/// - after any frame of the subscription was dropped by its outbox, the next one is full
///   (a lost delta would leave the client's merged snapshot wrong for good);
/// - every ``fullEvery``-th frame is full, so a client never drifts for long;
/// - when no delta can rebuild the snapshot exactly (``SnapshotDelta/between(_:_:)`` is nil), full.
struct SnapshotFramer {
    /// One frame in this many is a full snapshot.
    static let fullEvery = 30

    private var lastSent: NodeSnapshot?
    private var deltasSinceFull = 0

    /// The frame to send for `snapshot`; `framesDropped` says whether the outbox dropped any
    /// frame since the previous call.
    mutating func frame(for snapshot: NodeSnapshot, framesDropped: Bool) -> ControlFrame {
        defer { lastSent = snapshot }
        if let base = lastSent, !framesDropped, deltasSinceFull < Self.fullEvery - 1,
           let delta = SnapshotDelta.between(base, snapshot) {
            deltasSinceFull += 1
            return .snapshotDelta(delta)
        }
        deltasSinceFull = 0
        return .snapshot(snapshot)
    }
}
