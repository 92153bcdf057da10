import SluiceBase

/// Rebuilds the spool's state from its segment files without modifying anything (so that
/// `sluice spool stats` can use it on a live spool).
struct SpoolRecovery {
    /// The rebuilt index.
    var index = SpoolIndex()
    /// Envelopes of the live messages.
    var envelopes: [MessageID: SpoolEnvelope] = [:]
    /// Segments with at least one damaged region.
    var damagedSegments: Set<UInt32> = []
    /// Segments without a single record and without damage (zero-filled ones prepared but never
    /// used, or empty files): deleting them cannot lose anything.
    var emptySegments: Set<UInt32> = []
    /// The greatest segment number found.
    var lastSegment: UInt32 = 0
    /// Where the last intact record of the newest segment ends (its preallocated zeros, or a torn
    /// tail, follow).
    var lastSegmentEnd: Int64?
    /// The id the next accepted message gets.
    var nextMessageID: UInt64 = 1
    var warnings: [String] = []
    var segmentsScanned = 0
    var bytesScanned: Int64 = 0
    var recordsRead = 0
    var finishedMessages = 0

    /// Scans every segment of the spool at `layout`, oldest first.
    init(layout: SpoolLayout) throws(SpoolError) {
        for number in try layout.segmentNumbers() {
            let path = layout.segmentPath(number)
            let data = try POSIX.readFile(path)
            index.addSegment(number)
            lastSegment = max(lastSegment, number)
            segmentsScanned += 1
            bytesScanned += Int64(data.count)
            let recordsBefore = recordsRead
            var end: Int64 = 0
            data.withUnsafeBytes { raw in
                SegmentScanner.scan(raw, file: path, record: { type, payload, offset, length in
                    recordsRead += 1
                    end = max(end, Int64(offset + length))
                    apply(type: type, payload: payload, segment: number, offset: offset, length: length, path: path)
                }, warn: { warning in
                    damagedSegments.insert(number)
                    warnings.append(warning)
                })
            }
            if recordsRead == recordsBefore && !damagedSegments.contains(number) { emptySegments.insert(number) }
            lastSegmentEnd = end
        }
    }

    private mutating func apply(type: UInt8, payload: UnsafeRawBufferPointer, segment: UInt32,
                                offset: Int, length: Int, path: String) {
        do throws(ByteReader.Malformed) {
            switch RecordType(rawValue: type) {
            case .segmentHeader:
                let header = try SegmentHeader(decoding: payload)
                nextMessageID = max(nextMessageID, header.nextMessageID)
            case .message:
                let record = try MessageRecord(decoding: payload)
                nextMessageID = max(nextMessageID, record.id.raw &+ 1)
                let location = SpoolIndex.Location(segment: segment, offset: Int64(offset), length: length)
                let wasLive = index.contains(record.id)
                if index.insert(record.id, at: location, contentSize: record.contentRange.count,
                                receivedAt: record.envelope.receivedAt, states: record.states) {
                    envelopes[record.id] = record.envelope
                } else {
                    envelopes[record.id] = nil
                    if !wasLive { finishedMessages += 1 }
                }
            case .progress:
                for entry in try ProgressRecord.decode(payload) where index.apply(entry) == .finished {
                    envelopes[entry.message] = nil
                    finishedMessages += 1
                }
            case .control, nil:
                throw ByteReader.Malformed(description: "unexpected record type \(type)")
            }
        } catch {
            damagedSegments.insert(segment)
            warnings.append("\(path)@\(offset): \(error.description); record skipped")
        }
    }

    /// The live messages with their envelopes and states, in id order.
    func recoveredMessages() -> [RecoveredMessage] {
        index.messages.keys.sorted().compactMap { id -> RecoveredMessage? in
            guard let entry = index.messages[id], let envelope = envelopes[id] else { return nil }
            let recipients = envelope.recipients.enumerated().map { i, recipient in
                let state = entry.states[i]
                return RecoveredRecipient(index: i, recipient: recipient, attempts: Int(state.attempts),
                                          nextAttempt: state.nextAttempt.map(Instant.init(milliseconds:)),
                                          isDone: state.done)
            }
            let message = Message(id: id, sender: envelope.sender, recipients: envelope.recipients.map(\.address),
                                  size: entry.contentSize, jobID: envelope.jobID, vmta: envelope.vmta,
                                  receivedAt: envelope.receivedAt, spoolReference: id.raw, verp: envelope.verp)
            return RecoveredMessage(message: message, envelope: envelope, recipients: recipients)
        }
    }

    /// The report `Spool.open` returns.
    func report() -> RecoveryReport {
        RecoveryReport(messages: recoveredMessages(), warnings: warnings, segmentsScanned: segmentsScanned,
                       bytesScanned: bytesScanned, recordsRead: recordsRead, finishedMessages: finishedMessages,
                       nextMessageID: MessageID(nextMessageID))
    }
}
