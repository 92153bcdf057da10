import ServiceLifecycle

/// The node's delivery loop as a service: it ticks the core until the group shuts down
/// gracefully, then (the listeners being closed already: the group stops services in reverse
/// order) lets transactions in flight finish, closes delivery connections, writes the last
/// progress and closes the accounting files and the spool.
struct DeliveryService: Service, CustomStringConvertible {
    let node: MailNode
    /// Told once the service runs.
    let started: AsyncStream<Void>.Continuation
    var description: String { "delivery" }

    /// Runs the loop until the graceful shutdown (or the group's cancellation), then finishes.
    func run() async {
        started.yield()
        started.finish()
        async let loop: Void = node.runDeliveryLoop()
        try? await gracefulShutdown()
        await node.finishDelivery()
        await loop
    }
}
