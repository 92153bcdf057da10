/// The framing of every record in a spool file (segments and control files):
///
/// ```
/// offset  size  field
///      0     4  magic "SLSP"
///      4     1  record type (RecordType)
///      5     3  reserved, zero
///      8     4  payload length, little-endian
///     12     4  CRC-32C over bytes 4..<12 followed by the payload
///     16     n  payload
/// ```
enum RecordFrame {
    /// "SLSP".
    static let magic: [UInt8] = [0x53, 0x4C, 0x53, 0x50]
    /// Bytes before the payload.
    static let headerSize = 16
    /// The largest payload a reader accepts; a larger length field is treated as corruption.
    static let maximumPayload = 1 << 30

    /// Frames `payload` as a record of type `type`.
    static func frame(_ type: RecordType, payload: [UInt8]) -> [UInt8] {
        var out = ByteWriter(capacity: headerSize + payload.count)
        out.bytes.append(contentsOf: magic)
        out.u8(type.rawValue)
        out.u8(0)
        out.u16(0)
        out.u32(UInt32(payload.count))
        out.u32(0)
        out.bytes.append(contentsOf: payload)
        let crc = out.bytes.withUnsafeBytes { raw in
            let header = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: raw[4..<12]))
            return CRC32C.update(header, UnsafeRawBufferPointer(rebasing: raw[headerSize...]))
        }
        out.patchU32(crc, at: 12)
        return out.bytes
    }

    /// What lies at one offset of a file.
    enum Probe: Equatable {
        /// A whole, intact record: its type and the range of its payload.
        case record(type: UInt8, payload: Range<Int>)
        /// No magic at this offset.
        case noHeader
        /// A header whose length runs past the end of the data (a torn write).
        case truncated(needed: Int, available: Int)
        /// A header with an implausible length.
        case badLength(Int)
        /// A complete record whose checksum does not match.
        case badChecksum
    }

    /// Examines the bytes of `data` at `offset`.
    static func probe(_ data: UnsafeRawBufferPointer, at offset: Int) -> Probe {
        let available = data.count - offset
        guard available >= 4,
              data[offset] == magic[0], data[offset + 1] == magic[1],
              data[offset + 2] == magic[2], data[offset + 3] == magic[3]
        else { return .noHeader }
        guard available >= headerSize else { return .truncated(needed: headerSize, available: available) }
        let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
        guard length <= maximumPayload else { return .badLength(length) }
        guard available >= headerSize + length else {
            return .truncated(needed: headerSize + length, available: available)
        }
        let stored = UInt32(littleEndian: data.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
        let start = offset + headerSize
        let header = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: data[(offset + 4)..<(offset + 12)]))
        let crc = CRC32C.update(header, UnsafeRawBufferPointer(rebasing: data[start..<(start + length)]))
        guard crc == stored else { return .badChecksum }
        return .record(type: data[offset + 4], payload: start..<(start + length))
    }

    /// The offset of the next magic at or after `offset`, or nil.
    static func nextMagic(in data: UnsafeRawBufferPointer, from offset: Int) -> Int? {
        var i = offset
        let end = data.count - 3
        while i < end {
            if data[i] == 0x53, data[i + 1] == 0x4C, data[i + 2] == 0x53, data[i + 3] == 0x50 { return i }
            i += 1
        }
        return nil
    }
}

/// The kinds of record.
enum RecordType: UInt8 {
    /// First record of a segment: format version, segment number, next message id.
    case segmentHeader = 1
    /// An accepted message: envelope, per-recipient state, content.
    case message = 2
    /// A batch of per-recipient delivery progress.
    case progress = 3
    /// An operator control (in a control file).
    case control = 4
}
