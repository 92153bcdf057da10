/// A DKIM canonicalization algorithm (RFC 6376 §3.4), for headers or for the body.
public enum DKIMCanonicalization: String, Hashable, Sendable, CaseIterable {
    /// Bytes as they are (the body's trailing empty lines dropped).
    case simple
    /// Whitespace runs reduced, trailing whitespace dropped, header names lowercased and unfolded.
    case relaxed

    /// `field` (a whole header field without its final CRLF) canonicalized, with a final CRLF.
    func header(_ field: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.count + 2)
        appendHeader(field, to: &out)
        return out
    }

    /// Appends `field` (a whole header field without its final CRLF) canonicalized, with a final CRLF.
    func appendHeader(_ field: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        switch self {
        case .simple:
            out.append(contentsOf: field)
            out.append(contentsOf: [0x0D, 0x0A])
        case .relaxed:
            guard let colon = field.firstIndex(of: 0x3A) else {
                out.append(contentsOf: field)
                out.append(contentsOf: [0x0D, 0x0A])
                return
            }
            var nameEnd = colon
            while nameEnd > 0, Self.isWhitespace(field[nameEnd - 1]) { nameEnd -= 1 }
            // The canonical field is never longer than the field plus CRLF: written through a
            // pointer into that much room, the rest cut off after.
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: field.count + 2))
            let written = out.withUnsafeMutableBufferPointer { buffer -> Int in
                var w = start
                for byte in field[0..<nameEnd] {
                    buffer[w] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                    w += 1
                }
                buffer[w] = 0x3A
                w += 1
                // Unfold, then reduce each whitespace run to one space, dropping it at either end.
                var pendingSpace = false
                var wroteValue = false
                for byte in field[(colon + 1)...] where byte != 0x0D && byte != 0x0A {
                    if Self.isWhitespace(byte) {
                        pendingSpace = true
                        continue
                    }
                    if pendingSpace, wroteValue {
                        buffer[w] = 0x20
                        w += 1
                    }
                    pendingSpace = false
                    wroteValue = true
                    buffer[w] = byte
                    w += 1
                }
                buffer[w] = 0x0D
                buffer[w + 1] = 0x0A
                return w + 2
            }
            out.removeLast(out.count - written)
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
    /// breaks a span only where the canonical form differs from the input. An empty line stays in
    /// the span (it is kept if content follows); only lines that become empty (whitespace only)
    /// break it, and are fed as CRLFs once content follows.
    private static func feedRelaxedBody<Sink: CanonicalBodySink>(_ body: UnsafeBufferPointer<UInt8>, to hasher: Sink) {
        let n = body.count
        var spanStart = 0
        // Lines that became empty (whitespace only) since the span was last fed, not in the span.
        var pendingEmptyLines = 0
        // Where the empty lines at the end of the span begin, if it ends with any.
        var emptyRunStart: Int?
        var i = 0
        func flush(to end: Int) {
            if end > spanStart { hasher.update(UnsafeBufferPointer(rebasing: body[spanStart..<end])) }
        }
        func contentFollows() {
            emptyRunStart = nil
            if pendingEmptyLines > 0 {
                for _ in 0..<pendingEmptyLines { crlf.withUnsafeBufferPointer { hasher.update($0) } }
                pendingEmptyLines = 0
            }
        }
        while i < n {
            let lineEnd = MessageLayout.lineEnd(body, from: i)
            if lineEnd == i {
                // An empty line (lineEnd < n, as i < n): it stays in the span, kept only if content follows.
                if emptyRunStart == nil { emptyRunStart = i }
                i = lineEnd + 2
                continue
            }
            if lineEnd < n, isRelaxedAlready(UnsafeBufferPointer(rebasing: body[i..<lineEnd])) {
                // The common line of text: it stands as it is, CRLF included, in the current span.
                contentFollows()
                i = lineEnd + 2
                continue
            }
            // The last byte that is not whitespace, if any.
            var last = lineEnd - 1
            while last >= i, isWhitespace(body[last]) { last -= 1 }
            if last < i {
                // Empty once canonical: the span ends before it (and before the empty lines that
                // end the span, counted instead), held back until a line with content follows.
                if let start = emptyRunStart {
                    flush(to: start)
                    pendingEmptyLines += (i - start) / 2
                    emptyRunStart = nil
                } else {
                    flush(to: i)
                }
                pendingEmptyLines += 1
                i = lineEnd + 2
                spanStart = min(i, n)
                continue
            }
            contentFollows()
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
        if let start = emptyRunStart {
            flush(to: start)
        } else if pendingEmptyLines == 0 {
            flush(to: min(i, n))
        }
    }
}

extension DKIMCanonicalization {
    /// Whether relaxed canonicalization leaves `line` (a non-empty line without its CRLF) as it
    /// is: no TAB, no two spaces in a row, no space at the end.
    ///
    /// The loops have no branch, early exit or overflow check, so that LLVM vectorizes them; the
    /// pairs are taken 32 at a time, the last 32 again from the line's end (overlapping), so that
    /// no pair is left to the scalar remainder loop.
    static func isRelaxedAlready(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress, let last = line.last, !isWhitespace(last) else { return false }
        let pairs = line.count &- 1
        guard pairs >= 32 else { return flaggedPairs(base, 0, pairs) == 0 }
        return flaggedPairs(base, 0, pairs & ~31) | flaggedPairs(base, pairs &- 32, pairs) == 0
    }

    /// Nonzero when a byte at `start..<end` is a TAB or a space with a space after it.
    @inline(__always)
    private static func flaggedPairs(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt8 {
        var flagged: UInt8 = 0
        var k = start
        while k < end {
            let byte = base[k], next = base[k &+ 1]
            let tab: UInt8 = byte == 0x09 ? 1 : 0
            let space: UInt8 = byte == 0x20 ? 1 : 0
            let nextSpace: UInt8 = next == 0x20 ? 1 : 0
            flagged |= tab | (space & nextSpace)
            k &+= 1
        }
        return flagged
    }
}

/// Where canonical body bytes go: the body hasher, or a test's buffer.
protocol CanonicalBodySink: AnyObject {
    /// Takes the next canonical bytes.
    func update(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension SHA256Hasher: CanonicalBodySink {}
