import SluiceCore
import SluiceSMTP
import Synchronization

/// A transport's open connections by ``DeliveryHandle``: handles are issued in order and never
/// reused. Thread-safe; each transport keeps one.
public final class DeliveryHandleTable<Connection: Sendable>: Sendable {
    private struct State: Sendable {
        var next: UInt64 = 1
        var open: [DeliveryHandle: Connection] = [:]
    }

    private let state = Mutex(State())

    /// An empty table.
    public init() {}

    /// Keeps `connection` under a new handle.
    public func register(_ connection: Connection) -> DeliveryHandle {
        state.withLock { state in
            let handle = DeliveryHandle(state.next)
            state.next += 1
            state.open[handle] = connection
            return handle
        }
    }

    /// The connection under `handle`, left in the table.
    public func connection(_ handle: DeliveryHandle) -> Connection? { state.withLock { $0.open[handle] } }

    /// Takes the connection under `handle` out of the table.
    public func remove(_ handle: DeliveryHandle) -> Connection? { state.withLock { $0.open.removeValue(forKey: handle) } }

    /// Puts `connection` (back) under `handle`.
    public func put(_ connection: Connection, at handle: DeliveryHandle) { state.withLock { $0.open[handle] = connection } }
}

extension TransactionOutcome {
    /// The outcome of a transaction sent on a handle that has no open connection: every recipient
    /// deferred, the connection not reusable.
    public static func notOpen(_ transaction: OutboundTransaction, _ handle: DeliveryHandle) -> TransactionOutcome {
        .assemble(addresses: transaction.recipients.map(\.address), mail: nil, rcpts: [], data: nil, final: nil,
                  interruption: SMTPClientError.connectionLost("connection \(handle) is closed").reply,
                  connectionReusable: false)
    }
}
