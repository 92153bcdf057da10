import SluiceConfig

/// The demo's counters at one moment, for the live line.
public struct DemoSample: Hashable, Sendable {
    /// Time since the demo started.
    public var elapsed: TimeSpan
    /// Messages the generator injected so far.
    public var injected: Int
    /// Recipients delivered, deferred and bounced so far (the node's totals).
    public var delivered: Int, deferred: Int, bounced: Int
    /// Recipients queued now.
    public var queued: Int
    /// Queues in backoff now.
    public var backoff: [String]
    /// Virtual MTAs paused now (by an operator or the blocklist watch), each with a short reason.
    public var paused: [String]

    /// Creates a sample.
    public init(elapsed: TimeSpan, injected: Int, delivered: Int, deferred: Int, bounced: Int, queued: Int, backoff: [String],
                paused: [String] = []) {
        self.elapsed = elapsed
        self.injected = injected
        self.delivered = delivered
        self.deferred = deferred
        self.bounced = bounced
        self.queued = queued
        self.backoff = backoff
        self.paused = paused
    }

    /// One line: rates since `previous` (or since the start), the queue, the queues in backoff and
    /// the paused vmtas (only while there are some).
    ///
    /// `  12s  in 198/s  delivered 171/s  deferred 37/s  bounced 3/s  queued 412  backoff: gmail.com/vmta1`
    public func line(since previous: DemoSample?) -> String {
        let span = max(0.001, Double(elapsed.milliseconds - (previous?.elapsed.milliseconds ?? 0)) / 1000)
        func rate(_ now: Int, _ before: Int?) -> String { "\(Int((Double(now - (before ?? 0)) / span).rounded()))/s" }
        let seconds = "\(Int(elapsed.seconds.rounded()))s"
        var text = String(repeating: " ", count: max(0, 5 - seconds.count)) + seconds
        text += "  in \(rate(injected, previous?.injected))"
        text += "  delivered \(rate(delivered, previous?.delivered))"
        text += "  deferred \(rate(deferred, previous?.deferred))"
        text += "  bounced \(rate(bounced, previous?.bounced))"
        text += "  queued \(queued)"
        text += "  backoff: " + (backoff.isEmpty ? "none" : backoff.joined(separator: ", "))
        if !paused.isEmpty { text += "  paused: " + paused.joined(separator: ", ") }
        return text
    }
}
