import NIOCore

/// Splits a byte stream into newline-terminated lines (the newline and a preceding `\r` removed),
/// refusing a line longer than `maxLength` bytes so a hostile peer cannot grow the buffer forever.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// Thrown when a line exceeds the limit.
    public struct LineTooLong: Error, Hashable {}

    private let maxLength: Int
    private var scanned = 0

    /// Creates a decoder.
    public init(maxLength: Int) { self.maxLength = maxLength }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: 0x0a) else {
            scanned = view.count
            if scanned > maxLength { throw LineTooLong() }
            return .needMoreData
        }
        let length = newline - view.startIndex
        scanned = 0
        guard length <= maxLength, var line = buffer.readSlice(length: length) else { throw LineTooLong() }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == 0x0d { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A final line without a newline is still a line.
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        guard buffer.readableBytes > 0, let line = buffer.readSlice(length: buffer.readableBytes) else { return .needMoreData }
        scanned = 0
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .needMoreData
    }
}
