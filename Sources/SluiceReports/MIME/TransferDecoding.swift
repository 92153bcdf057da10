/// Content-Transfer-Encoding decoding of the parts that are read, bounded in output and work.
enum TransferDecoding {
    /// The body bytes of `bytes[range]` decoded per `encoding` (`base64`, `quoted-printable`;
    /// anything else is taken as is), at most `limit` bytes of output from at most `2 * limit`
    /// bytes of input (room for line breaks and padding, not for a part padded with junk).
    static func decode(_ bytes: [UInt8], range: Range<Int>, encoding: String?, limit: Int) -> [UInt8] {
        let span = limit >= Int.max / 4 ? range.count : min(range.count, limit * 2)
        let range = range.lowerBound..<(range.lowerBound + span)
        return switch encoding?.trimmingWhitespace().lowercased() {
        case "base64": base64(bytes, range: range, limit: limit)
        case "quoted-printable": quotedPrintable(bytes, range: range, limit: limit)
        default: Array(bytes[range.lowerBound..<(range.lowerBound + min(range.count, limit))])
        }
    }

    /// Base64, skipping line breaks and any byte outside the alphabet, stopping at padding.
    static func base64(_ bytes: [UInt8], range: Range<Int>, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, range.count * 3 / 4 + 3))
        var accumulator: UInt32 = 0
        var bits = 0
        var index = range.lowerBound
        while index < range.upperBound, out.count < limit {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "=") { break }
            guard let value = sextet(byte) else { continue }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    /// Quoted-printable: `=XX` escapes and soft line breaks; a malformed escape is kept literally.
    static func quotedPrintable(_ bytes: [UInt8], range: Range<Int>, limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, range.count))
        var index = range.lowerBound
        while index < range.upperBound, out.count < limit {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                index += 1
                continue
            }
            let next = index + 1
            if next < range.upperBound, bytes[next] == UInt8(ascii: "\n") {
                index = next + 1
            } else if next + 1 < range.upperBound, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") {
                index = next + 2
            } else if next + 1 < range.upperBound, let high = hexValue(bytes[next]), let low = hexValue(bytes[next + 1]) {
                out.append(high << 4 | low)
                index = next + 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
