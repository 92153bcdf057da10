/// Appends little-endian integers and length-prefixed strings to a byte buffer.
struct ByteWriter {
    /// The bytes written so far.
    var bytes: [UInt8]

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    /// A u32 length then the bytes.
    mutating func blob(_ v: some Collection<UInt8>) {
        u32(UInt32(truncatingIfNeeded: v.count))
        bytes.append(contentsOf: v)
    }

    mutating func string(_ v: String) { blob(v.utf8) }

    /// A presence byte, then the string when present.
    mutating func optionalString(_ v: String?) {
        if let v {
            u8(1)
            string(v)
        } else {
            u8(0)
        }
    }

    /// A presence byte, then the value when present.
    mutating func optionalI64(_ v: Int64?) {
        if let v {
            u8(1)
            i64(v)
        } else {
            u8(0)
        }
    }

    /// Overwrites four bytes at `offset` with `v`.
    mutating func patchU32(_ v: UInt32, at offset: Int) {
        withUnsafeBytes(of: v.littleEndian) { raw in
            for i in 0..<4 { bytes[offset + i] = raw[i] }
        }
    }
}

/// A bounds-checked reader over a byte buffer: every read past the end throws instead of trapping.
struct ByteReader {
    /// Thrown when a payload is shorter than its fields claim or holds a bad value.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private let buffer: UnsafeRawBufferPointer
    /// The read position, relative to the start of the buffer.
    private(set) var position: Int

    /// Reads `buffer` from `position`; the buffer must outlive the reader.
    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    var remaining: Int { buffer.count - position }

    private mutating func take(_ n: Int, _ what: StaticString) throws(Malformed) -> Int {
        guard n >= 0, remaining >= n else {
            throw Malformed(description: "\(what) runs past the end of the record")
        }
        defer { position += n }
        return position
    }

    mutating func u8() throws(Malformed) -> UInt8 { buffer[try take(1, "a byte")] }
    mutating func u32() throws(Malformed) -> UInt32 {
        UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(4, "a u32"), as: UInt32.self))
    }
    mutating func u64() throws(Malformed) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(8, "a u64"), as: UInt64.self))
    }
    mutating func i64() throws(Malformed) -> Int64 { Int64(bitPattern: try u64()) }

    /// A u32 length then that many bytes; returns the range of the bytes within the buffer.
    mutating func blobRange() throws(Malformed) -> Range<Int> {
        let n = Int(try u32())
        let start = try take(n, "a byte string")
        return start..<(start + n)
    }

    mutating func string() throws(Malformed) -> String {
        let range = try blobRange()
        guard let s = String(validating: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self) else {
            throw Malformed(description: "a string is not valid UTF-8")
        }
        return s
    }

    mutating func optionalString() throws(Malformed) -> String? {
        switch try u8() {
        case 0: return nil
        case 1: return try string()
        default: throw Malformed(description: "bad presence flag")
        }
    }

    mutating func optionalI64() throws(Malformed) -> Int64? {
        switch try u8() {
        case 0: return nil
        case 1: return try i64()
        default: throw Malformed(description: "bad presence flag")
        }
    }
}
