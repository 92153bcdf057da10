/// What a queue holds of the fleet's shared throttles while they are shared: message grants and
/// connection leases, and the requests on the way.
struct FleetQuota: Sendable {
    /// Messages the queue may still start.
    var grants = 0
    /// When unused grants lapse (ms): a grant is for sending soon, not for a later burst.
    var grantsExpireAt: Int64 = 0
    /// A grant request is on the way.
    var grantPending = false
    /// The store said no: no new request before this instant (ms).
    var grantRetryAt: Int64 = .min
    /// Connection leases held (connections open are never more than these).
    var leases = 0
    /// A lease request is on the way.
    var leasePending = false
    /// The store said no: no new lease request before this instant (ms).
    var leaseRetryAt: Int64 = .min

    /// The grants usable at `now`.
    func grants(now: Int64) -> Int { now < grantsExpireAt ? grants : 0 }
}
