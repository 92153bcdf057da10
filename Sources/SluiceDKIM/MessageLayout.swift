/// Where a message's header fields and body lie, as DKIM sees them. The message has CRLF line
/// endings (as the SMTP server stores it); the header section ends at the first empty line.
struct MessageLayout {
    /// One header field: its name as written and the bytes of the whole field, folded lines
    /// included, without the final CRLF.
    struct Field {
        /// The name, lowercased, for matching `h=` entries.
        var lowercasedName: String
        /// The field's bytes in the message.
        var range: Range<Int>
    }

    /// The header fields in order.
    var fields: [Field]
    /// The first byte of the body (the message's length when there is none).
    var bodyStart: Int

    /// Finds the fields and the body of `message`. A header line that is neither a field nor a
    /// continuation is skipped.
    init(_ message: UnsafeBufferPointer<UInt8>) {
        let n = message.count
        var fields: [Field] = []
        var i = 0
        var bodyStart = n
        while i < n {
            if message[i] == 0x0D, i + 1 < n, message[i + 1] == 0x0A {
                bodyStart = i + 2
                break
            }
            // The field runs to the CRLF not followed by a continuation line.
            var end = Self.lineEnd(message, from: i)
            while end + 2 < n, message[end + 2] == 0x20 || message[end + 2] == 0x09 {
                end = Self.lineEnd(message, from: end + 2)
            }
            if let colon = (i..<end).first(where: { message[$0] == 0x3A }) {
                var nameEnd = colon
                while nameEnd > i, message[nameEnd - 1] == 0x20 || message[nameEnd - 1] == 0x09 { nameEnd -= 1 }
                let name = String(decoding: UnsafeBufferPointer(rebasing: message[i..<nameEnd]), as: UTF8.self)
                fields.append(Field(lowercasedName: name.lowercased(), range: i..<end))
            }
            i = min(end + 2, n)
        }
        self.fields = fields
        self.bodyStart = bodyStart
    }

    /// The index of the CRLF ending the line that starts at `start`, or the end of the message.
    static func lineEnd(_ message: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = start
        let n = message.count
        while j + 1 < n {
            if message[j] == 0x0D, message[j + 1] == 0x0A { return j }
            j += 1
        }
        return n
    }
}
