import SluiceConfig
import SluiceSandbox
import Synchronization

/// The demo's delivery guard: the node asks it before every delivery connection; it allows
/// loopback destinations only, and counts and logs each refusal with the ``LoopbackGuard``'s
/// reason.
struct DemoDeliveryGuard: Sendable {
    let loopback = LoopbackGuard(mode: "demo")
    let refusals: DemoRefusals
    let log: @Sendable (String) -> Void

    /// True when the node may connect to `address`.
    func allows(_ address: IPAddress) -> Bool {
        guard case .refuse(_, let reason) = loopback.check(address) else { return true }
        refusals.count.add(1, ordering: .relaxed)
        log(reason)
        return false
    }
}

/// How many deliveries the guard refused, shared with the node's threads.
final class DemoRefusals: Sendable {
    let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }
}
