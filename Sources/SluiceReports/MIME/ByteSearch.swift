#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Searching a message's bytes in place, with the C library's `memchr`/`memmem`, so that
/// skipping a 50 MB attachment is one pass at memory speed and copies nothing.
enum ByteSearch {
    /// The first index of `needle` in `bytes[range]`, or `nil`: `memchr` for its first byte,
    /// `memcmp` for the rest.
    static func find(_ needle: [UInt8], in bytes: [UInt8], range: Range<Int>) -> Int? {
        guard let first = needle.first, range.count >= needle.count,
              range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        return bytes.withUnsafeBytes { haystack -> Int? in
            guard let base = haystack.baseAddress else { return nil }
            return needle.withUnsafeBytes { pattern -> Int? in
                guard let patternBase = pattern.baseAddress else { return nil }
                var position = range.lowerBound
                let lastStart = range.upperBound - needle.count
                while position <= lastStart {
                    guard let hit = memchr(base + position, Int32(first), lastStart - position + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, patternBase, needle.count) == 0 { return index }
                    position = index + 1
                }
                return nil
            }
        }
    }

    /// The index of the first `byte` in `bytes[range]`, or `nil`.
    static func find(byte: UInt8, in bytes: [UInt8], range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        return bytes.withUnsafeBytes { haystack -> Int? in
            guard let base = haystack.baseAddress,
                  let hit = memchr(base + range.lowerBound, Int32(byte), range.count)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// The end of the line starting at `start` (the index of its `\n`, or `limit`).
    static func lineEnd(in bytes: [UInt8], from start: Int, limit: Int) -> Int {
        find(byte: UInt8(ascii: "\n"), in: bytes, range: start..<limit) ?? limit
    }
}
