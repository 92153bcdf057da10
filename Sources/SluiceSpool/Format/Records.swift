import SluiceBase

/// The first record of every segment.
struct SegmentHeader: Equatable {
    /// The on-disk format version this code writes and reads.
    static let currentVersion: UInt32 = 1

    var version: UInt32 = SegmentHeader.currentVersion
    /// The segment's number (its file name).
    var segment: UInt32
    /// The id the next accepted message gets; keeps ids increasing after every message is deleted.
    var nextMessageID: UInt64

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 16)
        w.u32(version)
        w.u32(segment)
        w.u64(nextMessageID)
        return RecordFrame.frame(.segmentHeader, payload: w.bytes)
    }

    init(segment: UInt32, nextMessageID: UInt64) {
        self.segment = segment
        self.nextMessageID = nextMessageID
    }

    init(decoding payload: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var r = ByteReader(payload)
        version = try r.u32()
        guard version == SegmentHeader.currentVersion else {
            throw ByteReader.Malformed(description: "unsupported segment format version \(version)")
        }
        segment = try r.u32()
        nextMessageID = try r.u64()
    }
}

/// The delivery state of one recipient as the spool tracks it.
struct RecipientState: Hashable {
    /// A final outcome was recorded.
    var done = false
    /// Attempts made so far.
    var attempts: UInt32 = 0
    /// Milliseconds since the epoch of the next attempt, if deferred.
    var nextAttempt: Int64?
}

/// A message record: the envelope, each recipient's state (fresh at acceptance, current when
/// compaction rewrites the message) and the content, last so that it can be read in place.
struct MessageRecord {
    /// The recipient count word's low 24 bits are the count; its top bits are the message's flags
    /// (records written before the flags existed have them clear, so they read unchanged).
    static let countMask: UInt32 = 0x00FF_FFFF
    /// Flag: deliver with VERP.
    static let verpFlag: UInt32 = 1 << 31
    /// Flag: `suppress-local-dsn`.
    static let suppressDSNFlag: UInt32 = 1 << 30

    var id: MessageID
    var envelope: SpoolEnvelope
    var states: [RecipientState]
    /// Range of the content within the payload it was decoded from (decoding does not copy it).
    var contentRange: Range<Int>

    /// Encodes a record around `content`.
    static func encode(id: MessageID, envelope: SpoolEnvelope, states: [RecipientState],
                       content: UnsafeRawBufferPointer) -> [UInt8] {
        var w = ByteWriter(capacity: 128 + content.count + envelope.recipients.count * 48)
        w.u64(id.raw)
        w.i64(envelope.receivedAt.milliseconds)
        w.string(envelope.sender)
        w.string(envelope.vmta)
        w.optionalString(envelope.jobID)
        w.optionalString(envelope.ret)
        w.optionalString(envelope.envelopeID)
        var flags: UInt32 = 0
        if envelope.verp { flags |= MessageRecord.verpFlag }
        if envelope.suppressDSN { flags |= MessageRecord.suppressDSNFlag }
        w.u32(UInt32(envelope.recipients.count) | flags)
        for (recipient, state) in zip(envelope.recipients, states) {
            w.string(recipient.address)
            w.optionalString(recipient.notify)
            w.optionalString(recipient.originalRecipient)
            w.u8(state.done ? 1 : 0)
            w.u32(state.attempts)
            w.optionalI64(state.nextAttempt)
        }
        w.blob(content)
        return RecordFrame.frame(.message, payload: w.bytes)
    }

    /// Decodes a payload; `payload` must be the exact payload range.
    init(decoding payload: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var r = ByteReader(payload)
        id = MessageID(try r.u64())
        let receivedAt = Instant(milliseconds: try r.i64())
        let sender = try r.string()
        let vmta = try r.string()
        let jobID = try r.optionalString()
        let ret = try r.optionalString()
        let envelopeID = try r.optionalString()
        let countWord = try r.u32()
        let count = Int(countWord & MessageRecord.countMask)
        guard countWord & ~(MessageRecord.countMask | MessageRecord.verpFlag | MessageRecord.suppressDSNFlag) == 0 else {
            throw ByteReader.Malformed(description: "unknown message flags")
        }
        // Each recipient takes at least 15 bytes: a bound before reserving memory.
        guard count <= r.remaining / 15 else { throw ByteReader.Malformed(description: "recipient count \(count) too large") }
        var recipients: [SpoolRecipient] = []
        var states: [RecipientState] = []
        recipients.reserveCapacity(count)
        states.reserveCapacity(count)
        for _ in 0..<count {
            let address = try r.string()
            let notify = try r.optionalString()
            let orcpt = try r.optionalString()
            let done = try r.u8()
            guard done <= 1 else { throw ByteReader.Malformed(description: "bad recipient state") }
            let attempts = try r.u32()
            let next = try r.optionalI64()
            recipients.append(SpoolRecipient(address: address, notify: notify, originalRecipient: orcpt))
            states.append(RecipientState(done: done == 1, attempts: attempts, nextAttempt: next))
        }
        contentRange = try r.blobRange()
        guard r.remaining == 0 else { throw ByteReader.Malformed(description: "trailing bytes after the content") }
        envelope = SpoolEnvelope(sender: sender, recipients: recipients, vmta: vmta, jobID: jobID,
                                 receivedAt: receivedAt, ret: ret, envelopeID: envelopeID,
                                 verp: countWord & MessageRecord.verpFlag != 0,
                                 suppressDSN: countWord & MessageRecord.suppressDSNFlag != 0)
        self.states = states
    }
}

/// A batch of progress entries.
enum ProgressRecord {
    static func outcomeCode(_ outcome: RecipientProgress.Outcome) -> UInt8 {
        switch outcome {
        case .delivered: 1
        case .bounced: 2
        case .expired: 3
        case .deleted: 4
        case .deferred: 5
        }
    }

    static func encode(_ entries: [RecipientProgress]) -> [UInt8] {
        var w = ByteWriter(capacity: 4 + entries.count * 25)
        w.u32(UInt32(entries.count))
        for e in entries {
            w.u64(e.message.raw)
            w.u32(UInt32(clamping: e.recipient))
            w.u8(outcomeCode(e.outcome))
            w.u32(UInt32(clamping: e.attempts))
            if case let .deferred(next) = e.outcome { w.i64(next.milliseconds) } else { w.i64(0) }
        }
        return RecordFrame.frame(.progress, payload: w.bytes)
    }

    static func decode(_ payload: UnsafeRawBufferPointer) throws(ByteReader.Malformed) -> [RecipientProgress] {
        var r = ByteReader(payload)
        let count = Int(try r.u32())
        guard count <= r.remaining / 25 else { throw ByteReader.Malformed(description: "entry count \(count) too large") }
        var entries: [RecipientProgress] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let id = MessageID(try r.u64())
            let recipient = Int(try r.u32())
            let code = try r.u8()
            let attempts = Int(try r.u32())
            let next = Instant(milliseconds: try r.i64())
            let outcome: RecipientProgress.Outcome
            switch code {
            case 1: outcome = .delivered
            case 2: outcome = .bounced
            case 3: outcome = .expired
            case 4: outcome = .deleted
            case 5: outcome = .deferred(nextAttempt: next)
            default: throw ByteReader.Malformed(description: "unknown outcome code \(code)")
            }
            entries.append(RecipientProgress(message: id, recipient: recipient, outcome: outcome, attempts: attempts))
        }
        return entries
    }
}

/// An operator control as stored in its own file.
struct ControlRecord: Equatable {
    var id: String
    var expiresAt: Instant?
    var data: [UInt8]

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 32 + id.utf8.count + data.count)
        w.string(id)
        w.optionalI64(expiresAt?.milliseconds)
        w.blob(data)
        return RecordFrame.frame(.control, payload: w.bytes)
    }

    init(id: String, expiresAt: Instant?, data: [UInt8]) {
        self.id = id
        self.expiresAt = expiresAt
        self.data = data
    }

    init(decoding payload: UnsafeRawBufferPointer) throws(ByteReader.Malformed) {
        var r = ByteReader(payload)
        id = try r.string()
        expiresAt = try r.optionalI64().map(Instant.init(milliseconds:))
        data = Array(UnsafeRawBufferPointer(rebasing: payload[try r.blobRange()]))
    }
}
