import Testing
@testable import SluiceDKIM

/// The canonicalizations against plain restatements of RFC 6376 §3.4.2 and §3.4.4, on many
/// generated inputs: the signer's fast paths (a line of text checked 32 bytes at a time and fed
/// in the span it stands in, empty lines kept in the span) must give the same bytes.
@Suite struct CanonicalizationReferenceTests {
    /// A small fixed generator (SplitMix64), so a failure names a seed that reproduces it.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// RFC 6376 §3.4.4, line by line: whitespace runs to one SP, trailing whitespace removed,
    /// empty lines at the end removed, a CRLF after a last line that lacks one.
    static func referenceRelaxedBody(_ body: [UInt8]) -> [UInt8] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < body.count {
            if body[i] == 0x0D, i + 1 < body.count, body[i + 1] == 0x0A {
                lines.append(current)
                current = []
                i += 2
            } else {
                current.append(body[i])
                i += 1
            }
        }
        if !current.isEmpty { lines.append(current) }
        var canonical = lines.map { line -> [UInt8] in
            var out: [UInt8] = []
            var inWhitespace = false
            for byte in line {
                if byte == 0x20 || byte == 0x09 {
                    inWhitespace = true
                } else {
                    if inWhitespace { out.append(0x20) }
                    inWhitespace = false
                    out.append(byte)
                }
            }
            return out
        }
        while canonical.last?.isEmpty == true { canonical.removeLast() }
        return canonical.flatMap { $0 + [0x0D, 0x0A] }
    }

    /// RFC 6376 §3.4.2 for one field: name lowercased and its trailing whitespace removed, the
    /// value unfolded, whitespace runs to one SP, whitespace at either end of the value removed.
    static func referenceRelaxedHeader(_ field: [UInt8]) -> [UInt8] {
        guard let colon = field.firstIndex(of: 0x3A) else { return field + [0x0D, 0x0A] }
        var name = Array(field[..<colon])
        while let last = name.last, last == 0x20 || last == 0x09 { name.removeLast() }
        let value = field[(colon + 1)...].filter { $0 != 0x0D && $0 != 0x0A }
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        for byte in value {
            if byte == 0x20 || byte == 0x09 {
                if !word.isEmpty { words.append(word) }
                word = []
            } else {
                word.append(byte)
            }
        }
        if !word.isEmpty { words.append(word) }
        let lowered = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        return lowered + [0x3A] + Array(words.joined(separator: [0x20])) + [0x0D, 0x0A]
    }

    /// A body of lines of words, with the things canonicalization changes sprinkled in at random
    /// places: double spaces (also around the 32-byte boundaries), TABs, trailing whitespace,
    /// empty and whitespace-only lines (also at the end), bare CR and LF, no final CRLF.
    static func body(_ random: inout Generator) -> [UInt8] {
        var out: [UInt8] = []
        let lines = Int.random(in: 0...12, using: &random)
        for _ in 0..<lines {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: break  // an empty line
            case 1: out += (0..<Int.random(in: 1...3, using: &random)).map { _ in [0x20, 0x09].randomElement(using: &random)! }
            default:
                let length = [Int.random(in: 1...20, using: &random), Int.random(in: 28...40, using: &random),
                              Int.random(in: 60...100, using: &random)].randomElement(using: &random)!
                var line = (0..<length).map { _ in UInt8.random(in: 0x61...0x7A, using: &random) }
                for k in stride(from: Int.random(in: 1...6, using: &random), to: length, by: Int.random(in: 3...8, using: &random)) {
                    line[k] = 0x20
                }
                if Bool.random(using: &random) {
                    let k = Int.random(in: 0..<length, using: &random)
                    line[k] = [0x09, 0x20, 0x0D, 0x0A].randomElement(using: &random)!
                    if line[k] == 0x20, k + 1 < length { line[k + 1] = 0x20 }
                }
                if Int.random(in: 0..<4, using: &random) == 0 { line += [0x20, 0x09].shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random)) }
                if Int.random(in: 0..<6, using: &random) == 0 { line.insert(0x20, at: 0) }
                out += line
            }
            out += [0x0D, 0x0A]
        }
        if Int.random(in: 0..<5, using: &random) == 0, !out.isEmpty { out.removeLast(Int.random(in: 1...2, using: &random)) }
        return out
    }

    @Test func relaxedBodyMatchesTheReference() {
        for seed in 0..<20_000 as Range<UInt64> {
            var random = Generator(state: seed)
            let input = Self.body(&random)
            let collector = ByteCollector()
            input.withUnsafeBufferPointer { DKIMCanonicalization.relaxed.feedBody($0, to: collector) }
            let expected = Self.referenceRelaxedBody(input)
            let same = collector.bytes == expected
            #expect(same, """
                seed \(seed): \(String(decoding: input, as: UTF8.self).debugDescription) gave \
                \(String(decoding: collector.bytes, as: UTF8.self).debugDescription), \
                expected \(String(decoding: expected, as: UTF8.self).debugDescription)
                """)
            if !same { return }
        }
    }

    /// `isRelaxedAlready` a byte at a time.
    static func isRelaxedAlreadyBytewise(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let last = line.last, last != 0x20, last != 0x09 else { return false }
        var previousSpace = false
        for byte in line {
            if byte == 0x09 || (byte == 0x20 && previousSpace) { return false }
            previousSpace = byte == 0x20
        }
        return true
    }

    @Test func lineCheckAgreesWithTheBytewiseOneAtEveryPosition() {
        // A line of every length to 100 with one double space, or a TAB, at each position.
        for length in 2...100 {
            let clean = (0..<length).map { $0 % 5 == 4 ? UInt8(0x20) : UInt8(0x61 + $0 % 26) }
            for position in 0..<(length - 1) {
                for mark: [UInt8] in [[0x20, 0x20], [0x09]] {
                    var line = clean
                    line.replaceSubrange(position..<(position + mark.count), with: mark)
                    line.withUnsafeBufferPointer { buffer in
                        #expect(DKIMCanonicalization.isRelaxedAlready(buffer) == Self.isRelaxedAlreadyBytewise(buffer),
                                "length \(length), position \(position), \(mark)")
                    }
                }
            }
        }
    }

    @Test func relaxedHeaderMatchesTheReference() {
        for seed in 0..<5_000 as Range<UInt64> {
            var random = Generator(state: seed)
            let pieces: [[UInt8]] = [Array("Subject".utf8), Array("X-Mixed-Case".utf8), [0x20], [0x09], [0x3A],
                                     Array("word".utf8), Array("\r\n ".utf8), Array("\r\n\t".utf8), [0x20, 0x20]]
            let field = Array((0..<Int.random(in: 1...14, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
            let result = field.withUnsafeBufferPointer { DKIMCanonicalization.relaxed.header($0) }
            #expect(result == Self.referenceRelaxedHeader(field), "seed \(seed): \(String(decoding: field, as: UTF8.self).debugDescription)")
        }
    }
}
