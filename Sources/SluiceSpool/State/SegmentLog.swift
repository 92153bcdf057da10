import Foundation
import Glibc
import SluiceBase

/// The append-only log of segments and its writer thread.
///
/// Callers enqueue encoded records; the writer thread takes everything pending, writes it with
/// one `pwrite` and one `fdatasync` (group commit), updates the index and only then resumes the
/// callers. It also rolls segments, reclaims the oldest segments once nothing live is in them and
/// compacts the oldest segment when too many accumulate. All shared state is guarded by
/// `condition`; `active` and `activeSize` belong to the writer thread alone.
final class SegmentLog: @unchecked Sendable {
    private let layout: SpoolLayout
    private let segmentSize: Int64
    private let preallocate: Bool
    private let compactAfterSegments: Int
    private let condition = NSCondition()

    // Guarded by `condition`.
    private var pending: [WriteRequest] = []
    private var index: SpoolIndex
    private var files: [UInt32: SegmentFile]
    private var nextID: UInt64
    private var closing = false
    private var closed = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    /// The next segment, zero-filled ahead of time by a helper thread (see `prepareNextSegment`).
    private var prepared: SegmentFile?
    private var preparing = false
    private var preparationFailed = false
    private var commits = 0
    private var committedRecords = 0

    // Writer thread only.
    private var active: SegmentFile
    private var activeSize: Int64
    private var mustRoll = false
    private var damaged: Set<UInt32>
    /// Requests in the last batch, and how long its sync took: see `gather()`.
    private var lastBatchSize = 0
    private var lastSyncDuration: Duration = .zero

    /// Takes over the recovered state, starts a fresh active segment, reclaims finished segments
    /// and starts the writer thread.
    init(layout: SpoolLayout, options: SpoolOptions, recovery: SpoolRecovery) throws(SpoolError) {
        self.layout = layout
        segmentSize = max(options.segmentSize.bytes, 4096)
        preallocate = options.preallocateSegments
        compactAfterSegments = max(options.compactAfterSegments, 2)
        index = recovery.index
        nextID = recovery.nextMessageID
        damaged = recovery.damagedSegments
        var files: [UInt32: SegmentFile] = [:]
        for number in index.segmentNumbers where !recovery.emptySegments.contains(number) {
            let path = layout.segmentPath(number)
            files[number] = SegmentFile(number: number, path: path, fd: try POSIX.open(path, O_RDONLY))
        }
        // The newest segment was preallocated and is never appended to again: cut it back to
        // its last record, so that a nearly full disk has that space for the new segment.
        if let end = recovery.lastSegmentEnd, recovery.lastSegment > 0, !damaged.contains(recovery.lastSegment) {
            _ = truncate(layout.segmentPath(recovery.lastSegment), off_t(end))
        }
        // Never append after a possibly torn tail: every open starts a new segment, whose header
        // also carries the id high-water mark once older segments are gone.
        let (fresh, freshSize) = try SegmentLog.startSegment(layout: layout, after: recovery.lastSegment,
                                                             preallocate: preallocate ? segmentSize : nil, nextID: nextID)
        active = fresh
        activeSize = freshSize
        index.addSegment(fresh.number)
        files[fresh.number] = fresh
        self.files = files
        // Record-less segments are removed outright (a failure only leaves a harmless file).
        for number in recovery.emptySegments.sorted() where (try? POSIX.unlink(layout.segmentPath(number))) != nil {
            index.removeSegment(number)
        }
        if !recovery.emptySegments.isEmpty { try? POSIX.syncDirectory(layout.segmentsDirectory) }
        reclaim()
        let thread = Thread { [self] in run() }
        thread.name = "sluice-spool-writer"
        thread.start()
    }

    // MARK: - Caller side

    /// Allocates the next message id.
    func allocateID() throws(SpoolError) -> MessageID {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { throw .closed }
        guard nextID < UInt64.max else { throw .corrupt(path: layout.root, offset: 0, reason: "message ids exhausted") }
        defer { nextID += 1 }
        return MessageID(nextID)
    }

    /// Queues a request for the writer thread.
    func enqueue(_ request: WriteRequest) {
        condition.lock()
        if closing {
            condition.unlock()
            request.fail(SpoolError.closed)
            return
        }
        pending.append(request)
        condition.signal()
        condition.unlock()
    }

    /// Reads something from the index under the lock.
    func withIndex<T>(_ body: (SpoolIndex) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(index)
    }

    /// The live entry for `id` and its open segment file.
    func locate(_ id: MessageID) -> (SpoolIndex.Entry, SegmentFile)? {
        condition.lock()
        defer { condition.unlock() }
        guard let entry = index.messages[id], let file = files[entry.location.segment] else { return nil }
        return (entry, file)
    }

    /// Total size of the segment files.
    func diskBytes() -> Int64 {
        let open = withLock { Array(files.values) }
        return open.reduce(0) { $0 + ((try? POSIX.fileSize($1.fd, path: $1.path)) ?? 0) }
    }

    /// Group commits (one write and one fdatasync each) and the records they carried.
    func commitCounts() -> (commits: Int, records: Int) {
        withLock { (commits, committedRecords) }
    }

    /// Lets the writer finish what is queued, then stops it.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if closed {
                condition.unlock()
                continuation.resume()
                return
            }
            closing = true
            closeWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    private func withLock<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    // MARK: - Writer thread

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !closing { condition.wait() }
            gather()
            let batch = pending
            pending = []
            let stop = batch.isEmpty && closing
            condition.unlock()
            if stop { break }
            commit(batch)
        }
        condition.lock()
        while preparing { condition.wait() }
        let unused = prepared
        prepared = nil
        condition.unlock()
        if let unused {
            try? POSIX.unlink(unused.path)
            try? POSIX.syncDirectory(layout.segmentsDirectory)
        }
        condition.lock()
        closed = true
        let waiters = closeWaiters
        closeWaiters = []
        files = [:]
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// Group commit's gathering step (called with the lock held and something pending). The
    /// callers resumed by the last commit usually come straight back with their next request;
    /// taking the batch before they have would sync a handful now and the rest one sync later. So
    /// while fewer requests are pending than the last batch held, wait for more, but never longer
    /// than a quarter of what the last sync took (at most 1 ms): a lone writer never waits, and a
    /// wait costs a fraction of the sync it saves.
    private func gather() {
        let limit = min(lastSyncDuration / 4, .milliseconds(1))
        guard !closing, (pending.count < lastBatchSize), (limit > .zero) else { return }
        let (seconds, attoseconds) = limit.components
        let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
        while pending.count < lastBatchSize && !closing {
            if !condition.wait(until: deadline) { return }
        }
    }

    /// Writes and syncs a batch, applies it to the index and resumes its callers.
    private func commit(_ batch: [WriteRequest]) {
        var rolled = false
        var offsets: [Int64] = []
        let start: Int64
        do {
            if mustRoll || activeSize >= segmentSize {
                // A failed roll leaves no file behind and is tried again by the next commit.
                try roll()
                rolled = true
            }
            start = activeSize
            // A batch of one (a large message, typically) is written as it is, without a copy.
            var buffer: [UInt8] = batch.count == 1 ? batch[0].record : []
            if batch.count > 1 {
                buffer.reserveCapacity(batch.reduce(0) { $0 + $1.record.count })
                for request in batch {
                    offsets.append(start + Int64(buffer.count))
                    buffer.append(contentsOf: request.record)
                }
            } else {
                offsets.append(start)
            }
            do {
                try POSIX.write(active.fd, buffer, at: start, path: active.path)
            } catch {
                // Out of space (or another write error): the file holds what it held plus a
                // partial tail; cut the tail and keep appending to the same segment, so that
                // progress records fit into the space the segment already has.
                _ = ftruncate(active.fd, off_t(activeSize))
                throw error
            }
            let syncStart = ContinuousClock.now
            do {
                try POSIX.fdatasync(active.fd, path: active.path)
            } catch {
                // The file's state after a failed sync is unknown: cut it back and move on to a
                // new segment.
                _ = ftruncate(active.fd, off_t(activeSize))
                mustRoll = true
                throw error
            }
            lastSyncDuration = ContinuousClock.now - syncStart
            lastBatchSize = batch.count
            activeSize = start + Int64(buffer.count)
        } catch {
            // The callers were not answered, so nothing acknowledged is lost.
            for request in batch { request.fail(error) }
            return
        }

        var finished = false
        condition.lock()
        commits += 1
        committedRecords += batch.count
        for (request, offset) in zip(batch, offsets) {
            switch request {
            case let .message(id, record, contentSize, receivedAt, recipients, _):
                let location = SpoolIndex.Location(segment: active.number, offset: offset, length: record.count)
                if !index.insert(id, at: location, contentSize: contentSize, receivedAt: receivedAt,
                                 states: Array(repeating: RecipientState(), count: recipients)) {
                    finished = true
                }
            case let .progress(_, entries, _):
                for entry in entries where index.apply(entry) == .finished { finished = true }
            }
        }
        condition.unlock()
        for request in batch {
            switch request {
            case let .message(id, _, _, _, _, continuation): continuation.resume(returning: id)
            case let .progress(_, _, continuation): continuation.resume()
            }
        }
        if finished { reclaim() }
        if rolled { compact() }
        if preallocate && activeSize > segmentSize / 2 { prepareNextSegment() }
    }

    /// Creates segment file `previous + 1`, zero-filled to `preallocate` bytes when given (an empty
    /// file when that fails, e.g. for lack of space), with its content and directory entry synced.
    /// Appending into blocks that already exist lets each `fdatasync` skip the file-system journal
    /// commit that growing the file would need: on ext4 here that halves its cost.
    private static func createSegment(layout: SpoolLayout, after previous: UInt32, preallocate: Int64?)
        throws(SpoolError) -> SegmentFile {
        guard previous < UInt32.max else {
            throw .corrupt(path: layout.segmentPath(previous), offset: 0, reason: "segment numbers exhausted")
        }
        let number = previous + 1
        let path = layout.segmentPath(number)
        let fd: Int32
        do {
            fd = try POSIX.open(path, O_RDWR | O_CREAT | O_EXCL)
        } catch .io(_, _, EEXIST) {
            // Numbers above the newest segment are never in use: a file there is what an
            // interrupted creation left behind.
            try POSIX.unlink(path)
            fd = try POSIX.open(path, O_RDWR | O_CREAT | O_EXCL)
        }
        let file = SegmentFile(number: number, path: path, fd: fd)
        do {
            if let preallocate {
                do {
                    try POSIX.zeroFill(fd, size: preallocate, path: path)
                } catch {
                    _ = ftruncate(fd, 0)
                }
            }
            try POSIX.fdatasync(fd, path: path)
            try POSIX.syncDirectory(layout.segmentsDirectory)
        } catch {
            discard(file, layout: layout)
            throw error
        }
        return file
    }

    /// Removes a segment file that never became part of the log (its descriptor closes when the
    /// last reference goes).
    private static func discard(_ file: SegmentFile, layout: SpoolLayout) {
        try? POSIX.unlink(file.path)
        try? POSIX.syncDirectory(layout.segmentsDirectory)
    }

    /// Creates the segment after `previous` and writes its header; nothing is left on disk when
    /// either fails.
    private static func startSegment(layout: SpoolLayout, after previous: UInt32, preallocate: Int64?,
                                     nextID: UInt64) throws(SpoolError) -> (SegmentFile, Int64) {
        let file = try createSegment(layout: layout, after: previous, preallocate: preallocate)
        do {
            return (file, try writeHeader(file, nextID: nextID))
        } catch {
            discard(file, layout: layout)
            throw error
        }
    }

    /// Writes and syncs a segment's header; returns the offset after it.
    private static func writeHeader(_ file: SegmentFile, nextID: UInt64) throws(SpoolError) -> Int64 {
        let header = SegmentHeader(segment: file.number, nextMessageID: nextID).encoded()
        try POSIX.write(file.fd, header, at: 0, path: file.path)
        try POSIX.fdatasync(file.fd, path: file.path)
        return Int64(header.count)
    }

    /// Closes the active segment and starts the next: the prepared one if it is ready, else a new
    /// one made now.
    private func roll() throws(SpoolError) {
        condition.lock()
        while preparing { condition.wait() }
        let (id, ready) = (nextID, prepared)
        prepared = nil
        condition.unlock()
        let next: SegmentFile
        let size: Int64
        if let ready, ready.number == active.number + 1 {
            next = ready
            do { size = try SegmentLog.writeHeader(next, nextID: id) } catch {
                SegmentLog.discard(next, layout: layout)
                throw error
            }
        } else {
            if let ready { SegmentLog.discard(ready, layout: layout) }
            (next, size) = try SegmentLog.startSegment(layout: layout, after: active.number,
                                                       preallocate: preallocate ? segmentSize : nil, nextID: id)
        }
        condition.lock()
        index.addSegment(next.number)
        files[next.number] = next
        preparationFailed = false
        condition.unlock()
        active = next
        activeSize = size
        mustRoll = false
        reclaim()
    }

    /// Starts zero-filling the next segment on a helper thread, once per segment.
    private func prepareNextSegment() {
        condition.lock()
        guard !closing, !preparing, !preparationFailed, prepared == nil else {
            condition.unlock()
            return
        }
        preparing = true
        condition.unlock()
        let (layout, number, size) = (self.layout, active.number, segmentSize)
        let thread = Thread { [self] in
            let file = try? SegmentLog.createSegment(layout: layout, after: number, preallocate: size)
            condition.lock()
            prepared = file
            preparationFailed = file == nil
            preparing = false
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "sluice-spool-prepare"
        thread.start()
    }

    /// Deletes the oldest segments that hold nothing live, oldest first, making each deletion
    /// durable before the next (see `SpoolIndex.reclaimablePrefix`). Segments that had damaged
    /// regions are moved to `damaged/` instead, for inspection. A failure leaves the segment for
    /// the next attempt.
    private func reclaim() {
        let prefix = withLock { index.reclaimablePrefix(active: active.number) }
        for number in prefix {
            do {
                let path = layout.segmentPath(number)
                if damaged.contains(number) {
                    try POSIX.makeDirectory(layout.damagedDirectory)
                    try POSIX.rename(path, layout.damagedDirectory + "/" + layout.segmentName(number))
                    try POSIX.syncDirectory(layout.damagedDirectory)
                } else {
                    try POSIX.unlink(path)
                }
                try POSIX.syncDirectory(layout.segmentsDirectory)
            } catch {
                return
            }
            condition.lock()
            index.removeSegment(number)
            files[number] = nil
            condition.unlock()
        }
    }

    /// While `SpoolIndex.compactionCandidate` names the oldest segment, rewrites its live messages
    /// (with their current recipient state) into the active segment so that it can be reclaimed.
    private func compact() {
        while true {
            let candidate = withLock {
                index.compactionCandidate(active: active.number, segmentSize: segmentSize,
                                          minimumSegments: compactAfterSegments)
            }
            guard let head = candidate, rewriteLiveMessages(of: head) else { return }
            reclaim()
            guard withLock({ index.segments[head] == nil }) else { return }
        }
    }

    /// Rewrites the live messages of `segment` into the active segment; false if any could not be read.
    private func rewriteLiveMessages(of segment: UInt32) -> Bool {
        let live: [(MessageID, SpoolIndex.Entry, SegmentFile)] = withLock {
            index.liveMessages(in: segment).compactMap { id in
                guard let entry = index.messages[id], let file = files[entry.location.segment] else { return nil }
                return (id, entry, file)
            }
        }
        var buffer: [UInt8] = []
        var placed: [(MessageID, SpoolIndex.Entry, Int64, Int)] = []
        do {
            for (id, entry, file) in live {
                let old = try POSIX.read(file.fd, count: entry.location.length, at: entry.location.offset, path: file.path)
                let rewritten: [UInt8]? = old.withUnsafeBytes { raw in
                    guard case let .record(type, payload) = RecordFrame.probe(raw, at: 0),
                          type == RecordType.message.rawValue,
                          let record = try? MessageRecord(decoding: UnsafeRawBufferPointer(rebasing: raw[payload]))
                    else { return nil }
                    let base = payload.lowerBound
                    let content = UnsafeRawBufferPointer(
                        rebasing: raw[(base + record.contentRange.lowerBound)..<(base + record.contentRange.upperBound)])
                    return MessageRecord.encode(id: id, envelope: record.envelope, states: entry.states, content: content)
                }
                guard let rewritten else { return false }
                placed.append((id, entry, activeSize + Int64(buffer.count), rewritten.count))
                buffer.append(contentsOf: rewritten)
            }
            let start = activeSize
            try POSIX.write(active.fd, buffer, at: start, path: active.path)
            try POSIX.fdatasync(active.fd, path: active.path)
            activeSize = start + Int64(buffer.count)
        } catch {
            _ = ftruncate(active.fd, off_t(activeSize))
            mustRoll = true
            return false
        }
        condition.lock()
        for (id, entry, offset, length) in placed {
            let location = SpoolIndex.Location(segment: active.number, offset: offset, length: length)
            index.insert(id, at: location, contentSize: entry.contentSize, receivedAt: entry.receivedAt,
                         states: entry.states)
        }
        condition.unlock()
        return true
    }
}
