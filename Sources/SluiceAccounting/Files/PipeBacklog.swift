/// The bytes a pipe `<acct-file>` still owes its program: the header line for the program now
/// running, then a bounded first-in-first-out queue of CSV rows, the first of them perhaps
/// partly written. Pure: no I/O.
///
/// When the program is lost, a row it got only part of is sent whole to the next program (the
/// lost one saw a cut-short line, never a complete row), and the next program gets the header
/// first.
struct PipeBacklog {
    /// At most this many rows wait; ``append(_:)`` refuses more.
    let limit: Int

    private var rows: [[UInt8]] = []
    /// Index of the first waiting row in `rows` (rows before it are written).
    private var head = 0
    /// Bytes of the first waiting row already written to the current program.
    private var firstSent = 0
    /// The header line still owed to the current program, and how much of it was written.
    private var header: [UInt8] = []
    private var headerSent = 0

    /// Creates an empty backlog holding at most `limit` rows (at least one).
    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The rows waiting, including one partly written.
    var count: Int { rows.count - head }

    /// Whether ``append(_:)`` would refuse a row.
    var isFull: Bool { count >= limit }

    /// Whether nothing at all is owed to the current program.
    var isDrained: Bool { count == 0 && headerSent == header.count }

    /// Queues `row`; false (and nothing queued) when ``limit`` rows wait already.
    mutating func append(_ row: [UInt8]) -> Bool {
        guard !isFull else { return false }
        rows.append(row)
        return true
    }

    /// A new program runs: it is owed `header` first, then every waiting row whole.
    mutating func programStarted(header: [UInt8]) {
        self.header = header
        headerSent = 0
        firstSent = 0
    }

    /// The program is gone: nothing more is owed to it.
    mutating func programLost() {
        header = []
        headerSent = 0
        firstSent = 0
    }

    /// The next bytes to write, at most `maximum` (at least the rest of one row or the header).
    func nextChunk(maximum: Int) -> [UInt8] {
        var chunk = Array(header[headerSent...])
        var index = head
        var offset = firstSent
        while index < rows.count, chunk.isEmpty || chunk.count + rows[index].count - offset <= maximum {
            chunk += rows[index][offset...]
            offset = 0
            index += 1
        }
        return chunk
    }

    /// Marks the first `written` bytes of ``nextChunk(maximum:)`` as written; returns how many
    /// rows were completed.
    mutating func consume(_ written: Int) -> Int {
        var left = written
        let fromHeader = min(left, header.count - headerSent)
        headerSent += fromHeader
        left -= fromHeader
        var completed = 0
        while left > 0, head < rows.count {
            let rest = rows[head].count - firstSent
            if left < rest {
                firstSent += left
                break
            }
            left -= rest
            firstSent = 0
            head += 1
            completed += 1
        }
        compact()
        return completed
    }

    /// Removes every waiting row; returns how many there were.
    mutating func removeAll() -> Int {
        let removed = count
        rows.removeAll()
        head = 0
        firstSent = 0
        return removed
    }

    /// Drops written rows from storage once they are many and most of it.
    private mutating func compact() {
        if head == rows.count {
            rows.removeAll(keepingCapacity: rows.count <= 4096)
            head = 0
        } else if head >= 1024, head * 2 >= rows.count {
            rows.removeFirst(head)
            head = 0
        }
    }
}
