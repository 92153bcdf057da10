import SluiceBase

/// Work queued for the writer thread; the continuation resumes once the record is durable.
enum WriteRequest {
    /// A new message's record.
    case message(id: MessageID, record: [UInt8], contentSize: Int, receivedAt: Instant, recipients: Int,
                 continuation: CheckedContinuation<MessageID, any Error>)
    /// A progress record for live messages.
    case progress(record: [UInt8], entries: [RecipientProgress], continuation: CheckedContinuation<Void, any Error>)

    var record: [UInt8] {
        switch self {
        case let .message(_, record, _, _, _, _): record
        case let .progress(record, _, _): record
        }
    }

    func fail(_ error: any Error) {
        switch self {
        case let .message(_, _, _, _, _, continuation): continuation.resume(throwing: error)
        case let .progress(_, _, continuation): continuation.resume(throwing: error)
        }
    }
}
