import SluiceControlProtocol
import SluiceCore

/// The node's history: the book of the last 24 hours and its file in the spool, and the last
/// minute recorded. The delivery loop records the minute just ended once the clock has passed
/// it (``due(at:)``, ``record(_:log:)``).
struct NodeHistory: Sendable {
    private(set) var book = HistoryBook()
    let file: HistoryFile
    /// The last minute recorded (minutes since the Unix epoch).
    private(set) var lastMinute: Int64
    /// Lines in the file, to know when to rewrite it.
    private var fileLines: Int

    /// An empty history recording from the minute of `now`; ``restore(_:lines:)`` adds what the
    /// spool's file holds once it is read (off the start path: a day is seconds of JSON).
    init(spoolDirectory: String, now: Instant) {
        file = HistoryFile(spoolDirectory: spoolDirectory)
        fileLines = 0
        lastMinute = HistoryFrame.minute(of: now) - 1
    }

    /// Adds the frames read from the file (`lines` long) under those recorded since the start.
    mutating func restore(_ frames: [HistoryFrame], lines: Int) {
        let recorded = book.frames
        book = HistoryBook()
        for frame in frames + recorded { book.append(frame) }
        fileLines += lines
    }

    /// The minute to record at `now`, if one ended since the last recorded.
    func due(at now: Instant) -> Int64? {
        let ended = HistoryFrame.minute(of: now) - 1
        return ended > lastMinute ? ended : nil
    }

    /// Keeps `frame` and appends it to the file (rewriting the file with the day kept once it
    /// holds two days of lines); a file error is logged, the book keeps the frame.
    mutating func record(_ frame: HistoryFrame, log: (String) -> Void) {
        book.append(frame)
        lastMinute = max(lastMinute, frame.minute)
        do {
            if fileLines >= 2 * Int(HistoryBook.minutesKept) {
                try file.rewrite(book.frames)
                fileLines = book.frames.count
            } else {
                try file.append(frame)
                fileLines += 1
            }
        } catch {
            log("history: \(file.path) not written: \(error)")
        }
    }
}
