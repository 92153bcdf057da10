import SluiceConfig

/// How a demo runs.
public struct DemoOptions: Hashable, Sendable {
    /// Messages per second the generator offers.
    public var rate: Double
    /// The seed of the traffic and of every sandbox decision.
    public var seed: UInt64
    /// The directory for the spool (`DIR/spool`), the logs and the accounting file; nil makes a
    /// temporary one that ``DemoRun/finish()`` removes.
    public var directory: String?
    /// The control socket's path; nil puts `control.sock` in the directory. A simulated run opens
    /// none.
    public var controlSocket: String?
    /// Concurrent injection connections (a simulated run injects in process, one message at a
    /// time).
    public var connections: Int
    /// Sizes of the generated messages in bytes (headers included).
    public var messageSizes: ClosedRange<Int>
    /// How long after the start the sandbox's DNS blocklist lists vmta3 (a run on the wall clock).
    public var listingAfter: TimeSpan
    /// How long after the start Gmail begins deferring vmta2 (a run on the wall clock).
    public var deferringAfter: TimeSpan

    /// Creates options; the defaults are DESIGN.md's `sluice demo`.
    public init(rate: Double = 200, seed: UInt64 = 1, directory: String? = nil, controlSocket: String? = nil, connections: Int = 8,
                messageSizes: ClosedRange<Int> = 2_048...24_576, listingAfter: TimeSpan = .seconds(20),
                deferringAfter: TimeSpan = .seconds(30)) {
        self.listingAfter = listingAfter
        self.deferringAfter = deferringAfter
        self.rate = rate
        self.seed = seed
        self.directory = directory
        self.controlSocket = controlSocket
        self.connections = connections
        self.messageSizes = messageSizes
    }
}
