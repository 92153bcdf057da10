import SluiceCore
import SluiceSMTP
import SluiceSpool

extension DeliveryTransport {
    /// Sends an engine transaction on `connection` with `envelope` (sender and DSN parameters)
    /// and the message's content read from `spool`; a content that cannot be read defers every
    /// recipient (``NodeCore/contentUnavailable(_:because:)``).
    func send(_ transaction: Transaction, envelope: OutboundEnvelope, on connection: DeliveryHandle,
              from spool: Spool) async -> TransactionOutcome {
        let content: [UInt8]
        do { content = try spool.content(of: transaction.messageID) } catch {
            return NodeCore.contentUnavailable(transaction, because: error)
        }
        return await send(OutboundTransaction(sender: envelope.sender, mailParameters: envelope.mailParameters,
                                              recipients: envelope.recipients, content: content), on: connection)
    }
}
