/// A DKIM canonicalization algorithm (RFC 6376 §3.4), for headers or for the body.
public enum DKIMCanonicalization: String, Hashable, Sendable, CaseIterable {
    /// Bytes as they are (the body's trailing empty lines dropped).
    case simple
    /// Whitespace runs reduced, trailing whitespace dropped, header names lowercased and unfolded.
    case relaxed

    /// `field` (a whole header field without its final CRLF) canonicalized, with a final CRLF.
    func header(_ field: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        switch self {
        case .simple:
            return Array(field) + [0x0D, 0x0A]
        case .relaxed:
            var out: [UInt8] = []
            out.reserveCapacity(field.count + 2)
            guard let colon = field.firstIndex(of: 0x3A) else { return Array(field) + [0x0D, 0x0A] }
            var nameEnd = colon
            while nameEnd > 0, Self.isWhitespace(field[nameEnd - 1]) { nameEnd -= 1 }
            for byte in field[0..<nameEnd] {
                out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
            out.append(0x3A)
            // Unfold, then reduce each whitespace run to one space, dropping it at either end.
            var pendingSpace = false
            var wroteValue = false
            for byte in field[(colon + 1)...] where byte != 0x0D && byte != 0x0A {
                if Self.isWhitespace(byte) {
                    pendingSpace = true
                    continue
                }
                if pendingSpace, wroteValue { out.append(0x20) }
                pendingSpace = false
                wroteValue = true
                out.append(byte)
            }
            out.append(contentsOf: [0x0D, 0x0A])
            return out
        }
    }

    /// Feeds the canonical form of `body` to `hasher` in spans, copying nothing that is unchanged.
    func feedBody<Sink: CanonicalBodySink>(_ body: UnsafeBufferPointer<UInt8>, to hasher: Sink) {
        switch self {
        case .simple: Self.feedSimpleBody(body, to: hasher)
        case .relaxed: Self.feedRelaxedBody(body, to: hasher)
        }
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let space: [UInt8] = [0x20]

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Simple: the body without its trailing empty lines, ending in one CRLF (a lone CRLF when empty).
    private static func feedSimpleBody<Sink: CanonicalBodySink>(_ body: UnsafeBufferPointer<UInt8>, to hasher: Sink) {
        var end = body.count
        while end >= 2, body[end - 2] == 0x0D, body[end - 1] == 0x0A { end -= 2 }
        if end > 0 { hasher.update(UnsafeBufferPointer(rebasing: body[0..<end])) }
        crlf.withUnsafeBufferPointer { hasher.update($0) }
    }

    /// Relaxed: per line, whitespace runs become one space and trailing whitespace goes; trailing
    /// empty lines go; a last line without CRLF gets one; an empty body stays empty.
    ///
    /// Unchanged stretches are fed as they stand (usually the whole body in one span): the scan
    /// breaks a span only where the canonical form differs from the input.
    private static func feedRelaxedBody<Sink: CanonicalBodySink>(_ body: UnsafeBufferPointer<UInt8>, to hasher: Sink) {
        let n = body.count
        var spanStart = 0
        var pendingEmptyLines = 0
        var i = 0
        func flush(to end: Int) {
            if end > spanStart { hasher.update(UnsafeBufferPointer(rebasing: body[spanStart..<end])) }
        }
        while i < n {
            let lineEnd = MessageLayout.lineEnd(body, from: i)
            // The last byte that is not whitespace, if any.
            var last = lineEnd - 1
            while last >= i, isWhitespace(body[last]) { last -= 1 }
            if last < i {
                // Empty once canonical: held back until a line with content follows.
                flush(to: i)
                pendingEmptyLines += 1
                i = lineEnd + 2
                spanStart = min(i, n)
                continue
            }
            if pendingEmptyLines > 0 {
                for _ in 0..<pendingEmptyLines { crlf.withUnsafeBufferPointer { hasher.update($0) } }
                pendingEmptyLines = 0
            }
            var k = i
            while k <= last {
                let byte = body[k]
                if byte == 0x20, !isWhitespace(body[k + 1]) {  // k < last: body[last] is not whitespace
                    k += 1
                    continue
                }
                if isWhitespace(byte) {
                    flush(to: k)
                    space.withUnsafeBufferPointer { hasher.update($0) }
                    while isWhitespace(body[k]) { k += 1 }
                    spanStart = k
                    continue
                }
                k += 1
            }
            if lineEnd == last + 1, lineEnd < n {
                // Nothing trails the content: the CRLF joins the span.
                i = lineEnd + 2
                continue
            }
            flush(to: last + 1)
            crlf.withUnsafeBufferPointer { hasher.update($0) }
            i = lineEnd + 2
            spanStart = min(i, n)
        }
        // Empty lines at the end are dropped; the span (if any) ends on a CRLF already fed.
        if pendingEmptyLines == 0 { flush(to: min(i, n)) }
    }
}

/// Where canonical body bytes go: the body hasher, or a test's buffer.
protocol CanonicalBodySink: AnyObject {
    /// Takes the next canonical bytes.
    func update(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension SHA256Hasher: CanonicalBodySink {}
