import SluiceCore
import SluiceDNS
import SluiceSMTP

/// An open delivery connection as the node knows it: a name the transport gave the connection.
/// The node's core keeps handles, never connections, so it stays free of I/O types.
public struct DeliveryHandle: Hashable, Sendable, CustomStringConvertible {
    /// The raw number, unique within one transport.
    public var raw: UInt64
    /// Creates a handle.
    public init(_ raw: UInt64) { self.raw = raw }
    /// `h42`.
    public var description: String { "h\(raw)" }
}

/// What became of an attempt to open a delivery connection.
public enum ConnectOutcome: Hashable, Sendable {
    /// A session is open (greeting, EHLO and STARTTLS as configured are done) to `target`.
    case connected(DeliveryHandle, DeliveryTarget)
    /// DNS (or the plan) says how every transaction on this "connection" ends: a null MX, NXDOMAIN
    /// or no address gives a permanent reply, `type discard` a 250.
    case verdict(SMTPReply)
    /// No connection now; the queue retries later.
    case failed(ConnectionFailure)
}

/// How the node reaches receiving MTAs: opens a connection by a ``ConnectionPlan``, sends
/// transactions on it, closes it. ``NIODeliveryTransport`` speaks SMTP over the network; tests
/// plug in a scripted one, so a node runs without sockets.
///
/// Every method is called off the node and may suspend; none throws: failures are outcomes.
public protocol DeliveryTransport: Sendable {
    /// Resolves the plan's destination and opens a connection to the first target that answers.
    func connect(_ plan: ConnectionPlan) async -> ConnectOutcome
    /// Sends one transaction on an open connection and reports each recipient's outcome. After an
    /// outcome with `connectionReusable` false the handle is finished: the transport has let the
    /// connection go, and ``quit(_:)`` is not needed.
    func send(_ transaction: OutboundTransaction, on connection: DeliveryHandle) async -> TransactionOutcome
    /// Sends QUIT and closes the connection; an unknown or finished handle is ignored.
    func quit(_ connection: DeliveryHandle) async
    /// Where a task sending on `connection` best runs (the thread of the connection's event
    /// loop, so that sending needs no hop there and back), or nil for no preference.
    func taskExecutor(for connection: DeliveryHandle) -> (any TaskExecutor)?
}

extension DeliveryTransport {
    /// No preference: transports without event loops run their sends anywhere.
    public func taskExecutor(for connection: DeliveryHandle) -> (any TaskExecutor)? { nil }
}
