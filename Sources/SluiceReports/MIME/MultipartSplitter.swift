/// Finds the body parts of a multipart entity by its boundary (RFC 2046 §5.1.1), in place.
enum MultipartSplitter {
    /// The parts' byte ranges (headers and body of each), in order, at most `maxParts + 1` of
    /// them; `nil` when no delimiter line is found at all. A multipart whose close delimiter is
    /// missing (a truncated message) ends its last part at the end of the range. A line that
    /// merely starts with the delimiter and goes on with other text is not a delimiter.
    static func parts(of bytes: [UInt8], body: Range<Int>, boundary: String, maxParts: Int) -> [Range<Int>]? {
        let delimiter = Array("--\(boundary)".utf8)
        let lineDelimiter = [UInt8(ascii: "\n")] + delimiter
        var parts: [Range<Int>] = []
        var partStart: Int?
        var sawDelimiter = false
        var searchFrom = body.lowerBound

        func candidate(from position: Int) -> Int? {
            if position == body.lowerBound, hasPrefix(bytes, delimiter, at: position, limit: body.upperBound) { return position }
            return ByteSearch.find(lineDelimiter, in: bytes, range: max(body.lowerBound, position - 1)..<body.upperBound).map { $0 + 1 }
        }

        while let start = candidate(from: searchFrom) {
            let afterDelimiter = start + delimiter.count
            let lineEnd = ByteSearch.lineEnd(in: bytes, from: afterDelimiter, limit: body.upperBound)
            let isClose = hasPrefix(bytes, [UInt8(ascii: "-"), UInt8(ascii: "-")], at: afterDelimiter, limit: body.upperBound)
            let padding = bytes[afterDelimiter..<lineEnd]
            guard isClose || padding.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) else {
                searchFrom = afterDelimiter
                continue
            }
            sawDelimiter = true
            if let open = partStart { parts.append(open..<partEnd(bytes, before: start, from: open)) }
            if isClose || parts.count > maxParts { return parts }
            partStart = min(lineEnd + 1, body.upperBound)
            searchFrom = partStart ?? body.upperBound
        }
        guard sawDelimiter else { return nil }
        if let open = partStart { parts.append(open..<body.upperBound) }
        return parts
    }

    /// The end of a part: before the line break that precedes the next delimiter.
    private static func partEnd(_ bytes: [UInt8], before delimiterStart: Int, from partStart: Int) -> Int {
        var end = delimiterStart
        if end > partStart, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > partStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return max(end, partStart)
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at position: Int, limit: Int) -> Bool {
        guard position + prefix.count <= limit else { return false }
        for (offset, byte) in prefix.enumerated() where bytes[position + offset] != byte { return false }
        return true
    }
}
