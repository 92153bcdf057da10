import SluiceCore
import SluiceSMTP
import SluiceSpool

extension DeliveryTransport {
    /// Sends an engine transaction on `connection` with the message's content read from `spool`;
    /// a content that cannot be read defers every recipient (``NodeCore/contentUnavailable(_:because:)``).
    func send(_ transaction: Transaction, on connection: DeliveryHandle, from spool: Spool) async -> TransactionOutcome {
        let content: [UInt8]
        do { content = try spool.content(of: transaction.messageID) } catch {
            return NodeCore.contentUnavailable(transaction, because: error)
        }
        return await send(OutboundTransaction(
            sender: transaction.sender, recipients: transaction.recipients.map { OutboundTransaction.Recipient(address: $0) },
            content: content), on: connection)
    }
}
