import Logging
import SluiceConfig
import SluiceCore
import SluiceDNS
import SluiceSpool
import UnixSignals

/// How a ``MailNode`` runs beyond what the configuration says: overrides for tests and for the
/// embedded demo, the time source and where log lines go.
public struct NodeOptions: Sendable {
    /// The SMTP listeners (plain SMTP; port 0 picks a free one, see ``MailNode/smtpPorts``); nil
    /// uses the configuration's `smtp-listener` lines (127.0.0.1:25 when it has none).
    public var smtpListeners: [ListenAddress]?
    /// The spool directory; nil uses the configuration's `spool`.
    public var spoolDirectory: String?
    /// The control socket path; nil uses `control-socket`, else `control.sock` in the spool
    /// directory. Empty disables the socket.
    public var controlSocketPath: String?
    /// The HTTP management port; nil uses `http-mgmt-port` (no HTTP API without it). 0 picks a
    /// free port (see ``MailNode/httpPort``).
    public var httpPort: Int?
    /// The bearer tokens of the HTTP API, one `ID SECRET [admin|monitor]` per line (admin when the
    /// role is left out); nil reads `http-tokens` in the spool directory when it exists. Without tokens every HTTP request is refused (401).
    public var httpTokenFile: String?
    /// The audit log of operator commands; nil writes `audit.log` in the spool directory, empty
    /// keeps none.
    public var auditLogPath: String?
    /// Asked before each delivery connection with the destination address; false refuses the
    /// connection (the queue defers, "refused by the delivery guard"). The demo uses it to keep
    /// every delivery on loopback.
    public var deliveryGuard: (@Sendable (IPAddress) -> Bool)?
    /// How deliveries reach receiving MTAs; nil: SMTP over the network (MX resolution,
    /// ``deliveryGuard`` and ``mxPort`` apply). Tests and simulations plug in a scripted transport.
    public var transport: (any DeliveryTransport)?
    /// The time source for the engine, spool records and accounting.
    public var clock: any SluiceCore.Clock
    /// DNS queries for MX resolution; nil uses the system resolver.
    public var dnsQuerying: (any DNSQuerying)?
    /// With an `<mx-rollup-list>`, how long a message's admission waits for the MX lookup of a
    /// recipient domain not looked up before (2 s); without an answer by then the domain's mail
    /// goes to its own queue, and the answer, when it comes, routes later mail.
    public var rollupLookupTimeout: TimeSpan
    /// The TCP port of MX hosts (25). Tests point it at loopback sinks on a free port.
    public var mxPort: Int
    /// Spool behaviour (free-space minimum, segment size).
    public var spoolOptions: SpoolOptions
    /// Engine-wide knobs.
    public var tuning: EngineTuning
    /// How long ``MailNode/shutdown()`` waits for transactions in flight before closing anyway.
    public var shutdownGrace: TimeSpan
    /// The configuration file, re-read by `sluice reload`; nil refuses reload.
    public var configurationPath: String?
    /// The signals on which the node shuts down gracefully, through its service group (`sluice
    /// serve`: SIGTERM and SIGINT); none by default.
    public var shutdownSignals: [UnixSignal]
    /// The node's log (swift-log): by default a ``LineLogHandler`` writing each message as one
    /// line with the `log` function the options were created with (standard error unless given).
    public var logger: Logger

    /// Writes one line to ``logger`` (info level): the form the node's parts take a log in.
    /// Setting it sends the log's lines to the new function instead.
    public var log: @Sendable (String) -> Void {
        get {
            let logger = self.logger
            return { line in logger.info("\(line)") }
        }
        set { logger = Self.logger(writingWith: newValue) }
    }

    /// A logger whose ``LineLogHandler`` writes each message with `write`.
    static func logger(writingWith write: @escaping @Sendable (String) -> Void) -> Logger {
        Logger(label: "sluice") { _ in LineLogHandler(write: write) }
    }

    /// Creates options; every override off, the wall clock, log lines (`log`) to stderr.
    public init(smtpListeners: [ListenAddress]? = nil, spoolDirectory: String? = nil, controlSocketPath: String? = nil,
                httpPort: Int? = nil, httpTokenFile: String? = nil, auditLogPath: String? = nil,
                deliveryGuard: (@Sendable (IPAddress) -> Bool)? = nil, transport: (any DeliveryTransport)? = nil,
                clock: any SluiceCore.Clock = WallClock(), dnsQuerying: (any DNSQuerying)? = nil,
                rollupLookupTimeout: TimeSpan = .seconds(2), mxPort: Int = 25,
                spoolOptions: SpoolOptions = SpoolOptions(), tuning: EngineTuning = EngineTuning(),
                shutdownGrace: TimeSpan = .seconds(10), configurationPath: String? = nil,
                shutdownSignals: [UnixSignal] = [], log: @escaping @Sendable (String) -> Void = StandardErrorLog.write) {
        self.smtpListeners = smtpListeners
        self.spoolDirectory = spoolDirectory
        self.controlSocketPath = controlSocketPath
        self.httpPort = httpPort
        self.httpTokenFile = httpTokenFile
        self.auditLogPath = auditLogPath
        self.deliveryGuard = deliveryGuard
        self.transport = transport
        self.clock = clock
        self.dnsQuerying = dnsQuerying
        self.rollupLookupTimeout = rollupLookupTimeout
        self.mxPort = mxPort
        self.spoolOptions = spoolOptions
        self.tuning = tuning
        self.shutdownGrace = shutdownGrace
        self.configurationPath = configurationPath
        self.shutdownSignals = shutdownSignals
        self.logger = Self.logger(writingWith: log)
    }
}
