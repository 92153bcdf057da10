import NIOCore

/// Cuts an SMTP byte stream into lines (RFC 5321 §2.3.8, §4.5.3.1.4): command lines for a server,
/// reply lines for a client. A line ends at LF; a CR before it is removed (a bare LF is accepted, as
/// most servers do; message content is stricter, see ``DataReceiver``). A line longer than
/// ``maximumLength`` is never held: as soon as it cannot end within the limit its bytes are dropped
/// as they arrive, and ``Line/tooLong`` comes out where it ends.
///
/// The injection server, the delivery client and the sandbox receiver all frame with this type.
public struct SMTPLineFramer: Sendable {
    /// One framed line.
    public enum Line: Hashable, Sendable {
        /// A line, without its line ending.
        case line(String)
        /// A line longer than the limit ended here; its bytes were dropped.
        case tooLong
    }

    /// The longest line accepted, line ending included.
    public let maximumLength: Int
    /// True while the bytes of an overlong line are being dropped (its end has not arrived yet).
    public private(set) var isDiscardingLongLine = false

    /// Creates a framer for lines of at most `maximumLength` bytes, line ending included.
    public init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    /// The next line in `buffer`, consuming it; nil when no line ends in `buffer` yet. Bytes of an
    /// overlong line are consumed (dropped) even when nil is returned.
    public mutating func next(from buffer: inout ByteBuffer) -> Line? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: 10) else {
            // Without its LF the line is already `count + 1` bytes long.
            if view.count >= maximumLength {
                buffer.moveReaderIndex(forwardBy: view.count)
                isDiscardingLongLine = true
            }
            return nil
        }
        let length = lf - view.startIndex + 1
        defer { buffer.moveReaderIndex(forwardBy: length) }
        if isDiscardingLongLine || length > maximumLength {
            isDiscardingLongLine = false
            return .tooLong
        }
        var end = lf
        if end > view.startIndex && view[end - 1] == 13 { end -= 1 }
        return .line(String(decoding: view[view.startIndex..<end], as: UTF8.self))
    }
}
