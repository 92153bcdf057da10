import SluiceAccounting
import SluiceControlProtocol
import SluiceCore
import SluiceSpool

/// One thing the node must do, decided by ``NodeCore`` and carried out by the ``MailNode`` actor
/// (or by a test's performer): the core's decisions as data.
enum NodeEffect: Sendable {
    /// Open a delivery connection by the plan, then report ``NodeCore/connected(_:_:now:)`` for `id`.
    case openConnection(ConnectionID, ConnectionPlan)
    /// Read the message's content, send the transaction on the connection with the envelope
    /// (sender, DSN parameters), then report ``NodeCore/transactionFinished(_:_:now:)``.
    case sendTransaction(Transaction, on: DeliveryHandle, envelope: OutboundEnvelope)
    /// Compose the DSN (reading the original's content), store it in the spool and queue it, then
    /// report ``NodeCore/dsnStored(_:now:)``; after that (or when none is due after all) record the
    /// job's progress.
    case sendDSN(DSNJob)
    /// QUIT and close a connection the engine no longer uses.
    case closeConnection(DeliveryHandle)
    /// Append one row to the accounting files.
    case writeAccounting(AccountingRecord)
    /// Record recipients' progress in the spool, in one batch, in this order.
    case recordProgress([RecipientProgress])
    /// Publish a delivery event to the node's subscribers.
    case publishEvent(EventRecord)
    /// Store a new operator control in the spool, so that it survives a restart.
    case persistControl(Control)
    /// Remove an ended control from the spool.
    case forgetControl(Control)
    /// Replace the saved warm-up state (`warmup.json` in the spool directory) with this ledger.
    case saveWarmup(WarmupLedger)
    /// Write a line to the node's log.
    case log(String)
    /// Ask the fleet's throttle store for message grants, then report ``NodeCore/grantsReceived(_:_:now:)``.
    case requestGrants(GrantRequest)
    /// Ask the fleet's throttle store for a connection lease, then report ``NodeCore/leaseAnswered(_:granted:now:)``.
    case acquireLease(LeaseRequest)
    /// Give a connection lease back to the fleet's throttle store.
    case releaseLease(QueueKey)
}
