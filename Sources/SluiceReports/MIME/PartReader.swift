/// Decoding the few parts a report is read from, within `ReportLimits`.
struct PartReader {
    let bytes: [UInt8]
    let limits: ReportLimits

    /// The part's body decoded (base64, quoted-printable) to at most `maxScannedPartBytes`.
    func decodedBody(_ part: MimePart) -> [UInt8] {
        TransferDecoding.decode(bytes, range: part.body, encoding: part.transferEncoding, limit: limits.maxScannedPartBytes)
    }

    /// The part's body as text (invalid UTF-8 replaced), line breaks as LF.
    func text(_ part: MimePart) -> String {
        Self.normalizedText(decodedBody(part))
    }

    /// The header section of an attached original (`message/rfc822` or `text/rfc822-headers`),
    /// read in place unless the part is transfer-encoded; `nil` when it holds no header field.
    func original(_ part: MimePart) -> OriginalMessage? {
        let encoding = part.transferEncoding?.trimmingWhitespace().lowercased()
        if encoding == "base64" || encoding == "quoted-printable" {
            let decoded = TransferDecoding.decode(bytes, range: part.body, encoding: encoding, limit: limits.maxHeaderBytes)
            return Self.original(in: decoded, range: 0..<decoded.count, limit: limits.maxHeaderBytes)
        }
        return Self.original(in: bytes, range: part.body, limit: limits.maxHeaderBytes)
    }

    /// The header section at the start of `bytes[range]` (leading blank lines skipped) as an
    /// original message: the fields within the first `limit` bytes, `nil` when there are none.
    static func original(in bytes: [UInt8], range: Range<Int>, limit: Int) -> OriginalMessage? {
        var start = range.lowerBound
        while start < range.upperBound, bytes[start] == UInt8(ascii: "\n") || bytes[start] == UInt8(ascii: "\r") { start += 1 }
        let end = start + min(range.upperBound - start, limit)
        guard let section = try? HeaderSection.read(bytes, range: start..<end, limit: limit),
              !section.fields.isEmpty
        else { return nil }
        return OriginalMessage(headers: section.fields)
    }

    /// Bytes as text with LF line breaks.
    static func normalizedText(_ bytes: [UInt8]) -> String {
        var cleaned: [UInt8] = []
        cleaned.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\r") {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                if next != UInt8(ascii: "\n") { cleaned.append(UInt8(ascii: "\n")) }
                continue
            }
            cleaned.append(byte)
        }
        return String(decoding: cleaned, as: UTF8.self)
    }
}
