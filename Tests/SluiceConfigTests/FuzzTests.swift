import Foundation
import Testing
import SluiceBase
import SluiceConfig

@Suite("Fuzz")
struct FuzzTests {
    /// Characters that matter to the lexer, plus a few multi-byte ones.
    static let alphabet: [Character] = Array("<>/\\\"#$*.,[]{}=:; \t\n\r0123456789abcdmsh-é🙂\u{0}")

    static func mutate(_ text: [Character], using rng: inout SplitMix64) -> [Character] {
        var chars = text
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !chars.isEmpty else { break }
            let at = Int.random(in: 0..<chars.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: // truncate
                chars.removeSubrange(at...)
            case 1: // delete a run
                chars.removeSubrange(at..<min(chars.count, at + Int.random(in: 1...40, using: &rng)))
            case 2: // insert noise
                let noise = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                    alphabet.randomElement(using: &rng) ?? "x"
                }
                chars.insert(contentsOf: noise, at: at)
            case 3: // replace one character
                chars[at] = alphabet.randomElement(using: &rng) ?? "x"
            default: // duplicate a run elsewhere (repeats blocks, tags, names)
                let run = Array(chars[at..<min(chars.count, at + Int.random(in: 1...80, using: &rng))])
                chars.insert(contentsOf: run, at: Int.random(in: 0...chars.count, using: &rng))
            }
        }
        return chars
    }

    @Test func mutatedAndTruncatedConfigsNeverCrash() throws {
        let example = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/sluice.conf"),
                                 encoding: .utf8)
        let original = Array(example)
        var rng = SplitMix64(seed: 0x5_1C_E0)
        var withErrors = 0
        for _ in 0..<2_000 {
            let text = String(Self.mutate(original, using: &rng))
            // A directory that does not exist, so a mutated `include` cannot read anything.
            let result = ConfigLoader.load(text: text, fileName: "/nonexistent-sluice-fuzz/f.conf")
            let lastLine = lineCount(text)
            for diagnostic in result.diagnostics {
                #expect(diagnostic.location.line >= 1 && diagnostic.location.line <= lastLine)
                #expect(diagnostic.location.column >= 1)
                #expect(!diagnostic.message.isEmpty)
                #expect(!containsControlCharacters(diagnostic.description))
            }
            if result.hasErrors { withErrors += 1 }
            for domain in ["gmail.com", "ymail.com", "x.example.net", ""] {
                _ = result.model.effectiveSettings(domain: domain, vmta: "vmta2")
            }
        }
        // The mutations do break configs (the test exercises error paths, not only clean ones).
        #expect(withErrors > 500)
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        let text = String(repeating: "<domain a.com>\n", count: 10_000) + String(repeating: "</domain>\n", count: 10_000)
        let result = ConfigLoader.load(text: text, fileName: "deep.conf")
        #expect(result.errors.contains { $0.description
            == "deep.conf:17:1: error: blocks are nested more than 16 deep; '<domain>' is ignored" })
        #expect(result.errors.filter { $0.message.hasPrefix("blocks are nested") }.count == 10_000 - 16)
    }
}
