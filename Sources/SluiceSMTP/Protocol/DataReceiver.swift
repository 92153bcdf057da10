import NIOCore
import SluiceBase

/// Reads the content of a DATA command as it streams in (RFC 5321 §4.1.1.4, §4.5.2): removes the
/// transparency dots, finds the end-of-data mark and enforces the size limit without ever holding
/// more than the limit in memory.
///
/// Line endings (RFC 5321 §2.3.8): only `CRLF . CRLF` ends the data. A bare LF or a bare CR is
/// never taken as a line ending, so `LF . LF`, `LF . CRLF` and `CR . CR` cannot end the message
/// (the "SMTP smuggling" confusion); a message holding one is read to its real end and then
/// refused as a whole with `550 5.6.0`. A NUL byte is refused the same way. Sluice therefore never
/// stores or relays a message whose line endings another server could read differently.
public struct DataReceiver: Sendable {
    /// Why a completely read message is refused.
    public enum Violation: Hashable, Sendable {
        /// The content exceeded the size limit.
        case tooLarge
        /// A LF not preceded by CR.
        case bareLineFeed
        /// A CR not followed by LF.
        case bareCarriageReturn
        /// A NUL byte.
        case nul
        /// The server's memory for messages in flight was used up while the message was read.
        case insufficientStorage

        /// The reply for a message refused for this reason.
        public var reply: SMTPReply {
            switch self {
            case .tooLarge: return SMTPReply(552, "5.3.4", "Message size exceeds fixed maximum message size")
            case .bareLineFeed: return SMTPReply(550, "5.6.0", "Message refused: bare LF in content, lines must end with CRLF (RFC 5321 2.3.8)")
            case .bareCarriageReturn: return SMTPReply(550, "5.6.0", "Message refused: bare CR in content, lines must end with CRLF (RFC 5321 2.3.8)")
            case .nul: return SMTPReply(550, "5.6.0", "Message refused: NUL byte in content")
            case .insufficientStorage: return SMTPReply(452, "4.3.1", "Insufficient system storage, try again later")
            }
        }
    }

    /// The result once the end-of-data mark has been read.
    public enum Outcome: Hashable, Sendable {
        /// The unstuffed content, CRLF line endings, the last line's CRLF included.
        case complete([UInt8])
        /// The content was read to its end and must be refused.
        case refused(Violation)
    }

    private enum State: Sendable {
        /// At the start of a line (after CRLF, or at the very start).
        case lineStart
        /// Inside a line.
        case inLine
        /// A `.` at the start of a line.
        case dotAtLineStart
        /// `.` CR at the start of a line.
        case dotCR
        /// A CR inside a line (or after a dot).
        case cr
    }

    /// The most content bytes accepted.
    public let maximumSize: Int
    /// False for a receiver that only counts: it finds the end mark and the size, and keeps nothing.
    public let keepsContent: Bool
    private var state: State = .lineStart
    private var content: [UInt8] = []
    private var violation: Violation?
    /// The number of content bytes seen so far (also counted past the limit).
    public private(set) var size = 0

    /// Content bytes held in memory: 0 once the message is known to be refused.
    public var heldBytes: Int { content.count }

    /// How many times the content moved to new storage while it was read: growth of its buffer
    /// (amortised doubling: about log2 of its size), or a copy. One move per read would make
    /// reading a message quadratic in its size.
    public private(set) var storageMoves = 0
    private var storageAddress: UInt = 0

    /// Creates a receiver for one message; one that does not keep the content ends with
    /// ``Outcome/complete(_:)`` of no bytes (or ``Outcome/refused(_:)``) and its ``size``.
    public init(maximumSize: Int, keepsContent: Bool = true) {
        self.maximumSize = maximumSize
        self.keepsContent = keepsContent
    }

    /// Consumes bytes from `buffer` up to and including the end-of-data mark; bytes after the mark
    /// (pipelined commands) are left in `buffer`. Returns the outcome once the mark has been read.
    public mutating func consume(_ buffer: inout ByteBuffer) -> Outcome? {
        var consumed = 0
        defer {
            buffer.moveReaderIndex(forwardBy: consumed)
            noteStorage()
        }
        return buffer.withUnsafeReadableBytes { raw -> Outcome? in
            let count = raw.count
            var index = 0
            while index < count {
                if state == .inLine {
                    // Inside a line only CR, LF and NUL matter: take the bytes up to the next
                    // one as a whole.
                    var end = index
                    while end < count, raw[end] != 13, raw[end] != 10, raw[end] != 0 { end += 1 }
                    if end > index {
                        append(UnsafeRawBufferPointer(rebasing: raw[index..<end]))
                        index = end
                        if index == count { break }
                    }
                }
                let byte = raw[index]
                index += 1
                if step(byte) {
                    consumed = index
                    noteStorage()
                    let outcome: Outcome = violation.map { .refused($0) } ?? .complete(content)
                    content = []
                    return outcome
                }
            }
            consumed = count
            return nil
        }
    }

    /// Advances by one byte; true at the end-of-data mark.
    private mutating func step(_ byte: UInt8) -> Bool {
        let cr: UInt8 = 13, lf: UInt8 = 10, dot: UInt8 = 46
        switch state {
        case .lineStart:
            if byte == dot { state = .dotAtLineStart; return false }
            return ordinary(byte)
        case .inLine:
            return ordinary(byte)
        case .dotAtLineStart:
            if byte == cr { state = .dotCR; return false }
            // The transparency dot is dropped; the byte is content.
            return ordinary(byte)
        case .dotCR:
            if byte == lf { return true }
            // `.` CR x: the dot was a transparency dot and the CR is bare.
            note(.bareCarriageReturn)
            append(cr)
            state = .inLine
            return ordinary(byte)
        case .cr:
            if byte == lf {
                append(cr)
                append(lf)
                state = .lineStart
                return false
            }
            note(.bareCarriageReturn)
            append(cr)
            state = .inLine
            return ordinary(byte)
        }
    }

    private mutating func ordinary(_ byte: UInt8) -> Bool {
        switch byte {
        case 13:
            state = .cr
        case 10:
            note(.bareLineFeed)
            append(byte)
            state = .inLine
        case 0:
            note(.nul)
            append(byte)
            state = .inLine
        default:
            append(byte)
            state = .inLine
        }
        return false
    }

    /// Appends ordinary content bytes (no CR, LF or NUL) at once.
    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        size += bytes.count
        if size > maximumSize {
            violation = .tooLarge
            content = []
        } else if violation == nil && keepsContent {
            content.append(contentsOf: bytes)
            noteStorage()
        }
    }

    private mutating func append(_ byte: UInt8) {
        size += 1
        if size > maximumSize {
            violation = .tooLarge
            content = []
        } else if violation == nil && keepsContent {
            content.append(byte)
        }
    }

    private mutating func noteStorage() {
        let address = content.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        if address != storageAddress, !content.isEmpty {
            storageMoves += 1
        }
        storageAddress = address
    }

    /// Refuses the message for `reason` once its end has been read; its content is discarded from
    /// now on. An earlier violation is kept.
    public mutating func refuse(_ reason: Violation) {
        note(reason)
    }

    private mutating func note(_ problem: Violation) {
        if violation == nil {
            violation = problem
            content = []
        }
    }
}

/// Dot-stuffing for sending (RFC 5321 §4.5.2).
public enum DotStuffing {
    /// The DATA payload for `content`: every line that starts with `.` gets another `.`, line
    /// endings become CRLF (a bare CR or LF, which Sluice's server never accepts, is sent as CRLF
    /// so that no peer can read a different end of data), the last line is terminated, and the
    /// end-of-data mark `.CRLF` is appended.
    public static func stuff(_ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(content.count + content.count / 64 + 5)
        content.withUnsafeBufferPointer { input in
            // Runs of ordinary bytes are copied whole; only line ends and leading dots are touched.
            var runStart = 0
            var index = 0
            var atLineStart = true
            while index < input.count {
                let byte = input[index]
                if byte == 13 || byte == 10 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                    out.append(13)
                    out.append(10)
                    index += byte == 13 && index + 1 < input.count && input[index + 1] == 10 ? 2 : 1
                    runStart = index
                    atLineStart = true
                    continue
                }
                if atLineStart && byte == 46 { out.append(46) }  // The run starts here: the dot follows.
                atLineStart = false
                index += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<input.count]))
            if !atLineStart {
                out.append(13)
                out.append(10)
            }
        }
        out.append(contentsOf: [46, 13, 10])
        return out
    }
}
