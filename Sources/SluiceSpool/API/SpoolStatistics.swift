import SluiceBase

/// Totals over a spool's live messages.
public struct SpoolStatistics: Sendable, Equatable {
    /// Messages with at least one undelivered recipient.
    public var messages: Int
    /// Recipients of those messages, finished or not.
    public var recipients: Int
    /// Recipients still to deliver.
    public var pendingRecipients: Int
    /// Content bytes of those messages.
    public var contentBytes: Int64
    /// Segment files and their total size on disk.
    public var segments: Int
    /// Bytes of segment files on disk (live and reclaimable records).
    public var diskBytes: Int64
    /// When the oldest live message was accepted.
    public var oldestReceivedAt: Instant?

    init(index: SpoolIndex, diskBytes: Int64) {
        var recipients = 0, pending = 0
        var bytes: Int64 = 0
        var oldest: Instant?
        for entry in index.messages.values {
            recipients += entry.states.count
            pending += entry.remaining
            bytes += Int64(entry.contentSize)
            if oldest.map({ entry.receivedAt < $0 }) ?? true { oldest = entry.receivedAt }
        }
        messages = index.messages.count
        self.recipients = recipients
        pendingRecipients = pending
        contentBytes = bytes
        segments = index.segments.count
        self.diskBytes = diskBytes
        oldestReceivedAt = oldest
    }
}
