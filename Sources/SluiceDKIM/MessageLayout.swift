#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
                fields.append(Field(lowercasedName: Self.lowercased(UnsafeBufferPointer(rebasing: message[i..<nameEnd])),
                                    range: i..<end))
            }
            i = min(end + 2, n)
        }
        self.fields = fields
        self.bodyStart = bodyStart
    }

    /// A field name as a String with ASCII letters lowercased (field names are ASCII, RFC 5322
    /// §2.2), in one pass: a name of up to 15 bytes needs no allocation.
    static func lowercased(_ name: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: name.count) { out in
            for (k, byte) in name.enumerated() { out[k] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
            return name.count
        }
    }

    /// The index of the CRLF ending the line that starts at `start`, or the end of the message.
    static func lineEnd(_ message: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = message.count
        guard let base = message.baseAddress else { return n }
        var j = start
        while j + 1 < n {
            // libc's memchr finds the next CR many bytes at a time; a CR must have an LF after it.
            guard let found = memchr(base + j, 0x0D, n - 1 - j) else { return n }
            let cr = base.distance(to: UnsafePointer(found.assumingMemoryBound(to: UInt8.self)))
            if base[cr + 1] == 0x0A { return cr }
            j = cr + 1
        }
        return n
    }
}
