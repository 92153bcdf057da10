import NIOCore

/// Cuts a sandbox connection's byte stream into what ``SluiceSandbox/SandboxReceiver`` answers:
/// command lines, and after DATA the end of the content with its size. The content itself is
/// counted, never stored, so a client cannot make the sandbox hold more than one command line
/// (at most ``maximumLineLength`` bytes) per connection.
struct SandboxFramer: Sendable {
    /// One framed unit.
    enum Event: Hashable, Sendable {
        /// A command line without its line ending.
        case line(String)
        /// The final `.` of the content; `size` counts the content's bytes after removing the
        /// transparency dots (RFC 5321 §4.5.2), line endings included.
        case endOfData(size: Int)
        /// A command line longer than ``maximumLineLength`` without a line ending.
        case lineTooLong
    }

    private enum ContentState: Sendable {
        case lineStart, inLine, carriageReturn, dot, dotCarriageReturn
    }

    /// The longest command line accepted, line ending included (RFC 5321 §4.5.3.1.4 allows 512;
    /// some clients send longer ESMTP parameter lists).
    let maximumLineLength: Int
    private var content: ContentState?
    private var contentSize = 0

    /// A framer reading command lines.
    init(maximumLineLength: Int = 2048) {
        self.maximumLineLength = maximumLineLength
    }

    /// True while the content of a message is being read.
    var isReadingContent: Bool { content != nil }

    /// Switches to reading content (after the server answered DATA with 354).
    mutating func expectContent() {
        content = .lineStart
        contentSize = 0
    }

    /// The next event from `buffer`, consuming what it used; nil when more bytes are needed.
    mutating func next(from buffer: inout ByteBuffer) -> Event? {
        content == nil ? nextLine(from: &buffer) : endOfContent(in: &buffer)
    }

    private func nextLine(from buffer: inout ByteBuffer) -> Event? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            return view.count >= maximumLineLength ? .lineTooLong : nil
        }
        let length = newline - view.startIndex
        guard length < maximumLineLength else { return .lineTooLong }
        var bytes = view[view.startIndex..<newline]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        buffer.moveReaderIndex(forwardBy: length + 1)
        return .line(line)
    }

    private mutating func endOfContent(in buffer: inout ByteBuffer) -> Event? {
        var consumed = 0
        defer { buffer.moveReaderIndex(forwardBy: consumed) }
        for byte in buffer.readableBytesView {
            consumed += 1
            if step(byte) {
                content = nil
                return .endOfData(size: contentSize)
            }
        }
        return nil
    }

    /// Advances the content scanner by one byte; true at the end-of-data mark `CRLF . CRLF`.
    private mutating func step(_ byte: UInt8) -> Bool {
        let cr: UInt8 = 13, lf: UInt8 = 10, dot: UInt8 = 46
        switch content {
        case .lineStart:
            if byte == dot { content = .dot } else { ordinary(byte) }
        case .inLine, nil:
            ordinary(byte)
        case .carriageReturn:
            if byte == lf {
                contentSize += 2
                content = .lineStart
            } else {
                contentSize += 1
                ordinary(byte)
            }
        case .dot:
            // A transparency dot is dropped; what follows is content.
            if byte == cr { content = .dotCarriageReturn } else { ordinary(byte) }
        case .dotCarriageReturn:
            if byte == lf { return true }
            contentSize += 1
            ordinary(byte)
        }
        return false
    }

    private mutating func ordinary(_ byte: UInt8) {
        if byte == 13 {
            content = .carriageReturn
        } else {
            contentSize += 1
            content = .inLine
        }
    }
}
