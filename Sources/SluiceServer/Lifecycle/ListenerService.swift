import ServiceLifecycle

/// One of the node's listening parts (an SMTP listener, the control socket, the HTTP API) as a
/// service: it listens from start-up until the group shuts down gracefully, then closes.
struct ListenerService: Service, CustomStringConvertible {
    /// What it is, for the group's log (`smtp-listener 127.0.0.1:2525`).
    let description: String
    /// Stops listening and closes the connections it holds.
    let close: @Sendable () async -> Void
    /// The node's log, told when it has closed (the operator's sign that a shutdown began).
    let log: @Sendable (String) -> Void

    /// Waits for the graceful shutdown (or the group's cancellation), then closes.
    func run() async {
        try? await gracefulShutdown()
        await close()
        log("shutdown: \(description) closed")
    }
}
