import CCrypto
import Foundation
import SluiceDKIM

/// `SluiceBench dkim`: the cost of signing one message with `DKIMSigner.sign` (relaxed/relaxed,
/// the default headers, oversigned) for RSA-2048 and Ed25519 keys and 2 KB and 50 KB bodies,
/// beside its two irreducible pieces measured in the same loop: the bare `key.sign` of a
/// 300-byte header block, and SHA-256 of the body alone (libcrypto's `EVP_Digest`, SHA-256
/// fetched once). Unless `--no-openssl`, `openssl speed -mr -seconds 3 rsa2048 ed25519` runs
/// before and after, and each cell is set against OpenSSL's signature time plus the body's
/// SHA-256 (issue 14: within 1.3×).
///
/// Per-call wall times (CLOCK_MONOTONIC); the three calls alternate in one loop so that every
/// figure of a cell comes from the same moments. `cpu/wall` (thread CPU over wall for the whole
/// cell) below about 0.95 means the thread was preempted, i.e. the machine was busy.
enum DKIMBenchmark {
    static let usage = "[--rsa-iterations 1500] [--ed25519-iterations 8000] [--keys rsa,ed25519] [--body-bytes 2048,51200] "
        + "[--no-openssl] [--seconds 3]"

    static func run(arguments: [String]) throws {
        var rsaIterations = 1_500, edIterations = 8_000, runOpenSSL = true, seconds = 3
        var keyTypes: [DKIMKeyType] = [.rsa, .ed25519], sizes = [2_048, 51_200]
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            func value() throws -> Int {
                guard let text = rest.popFirst(), let n = Int(text), n > 0 else {
                    throw BenchmarkError(message: "\(argument) takes a positive number")
                }
                return n
            }
            switch argument {
            case "--rsa-iterations": rsaIterations = try value()
            case "--ed25519-iterations": edIterations = try value()
            case "--seconds": seconds = try value()
            case "--no-openssl": runOpenSSL = false
            case "--keys":
                keyTypes = (rest.popFirst() ?? "").split(separator: ",").compactMap { DKIMKeyType(rawValue: String($0)) }
                guard !keyTypes.isEmpty else { throw BenchmarkError(message: "--keys takes rsa, ed25519 or rsa,ed25519") }
            case "--body-bytes":
                sizes = (rest.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                guard !sizes.isEmpty else { throw BenchmarkError(message: "--body-bytes takes sizes such as 2048,51200") }
            default: throw BenchmarkError(message: "unknown argument \(argument); usage: SluiceBench dkim \(usage)")
            }
        }
        print("dkim: load average \(loadAverage()) at start")
        let before = runOpenSSL ? OpenSSLSpeed.run(seconds: seconds) : nil
        if let before { print("dkim: \(before.describe)") }

        let keys: [(String, DKIMPrivateKey, Int)] = try keyTypes.map { type in
            type == .rsa ? ("rsa-2048", try DKIMPrivateKey.generate(.rsa, bits: 2048), rsaIterations)
                : ("ed25519", try DKIMPrivateKey.generate(.ed25519), edIterations)
        }
        let header = Array(MessageText.headerBlock(bytes: 300).utf8)
        var cells: [Cell] = []
        for (name, key, iterations) in keys {
            for size in sizes {
                let message = MessageText.message(bodyBytes: size)
                let cell = try measure(name: name, key: key, message: message, header: header, iterations: iterations)
                cells.append(cell)
                print(cell.describe)
            }
        }
        let after = runOpenSSL ? OpenSSLSpeed.run(seconds: seconds) : nil
        if let after { print("dkim: \(after.describe)") }
        print("dkim: load average \(loadAverage()) at end")

        guard let before, let after else { return }
        // OpenSSL's signature time: the mean of its two runs' sign/s, as seconds per signature.
        print("dkim: against OpenSSL (goal: DKIMSigner.sign median ≤ 1.3 × (openssl sign time + SHA-256 of the body))")
        for cell in cells {
            let perSecond = cell.key == "rsa-2048" ? (before.rsa2048 + after.rsa2048) / 2 : (before.ed25519 + after.ed25519) / 2
            let opensslUs = 1e6 / perSecond
            let reference = opensslUs + cell.sha.median
            let ratio = cell.sign.median / reference
            print(String(format: "dkim: %@ %@  openssl sign %.1f µs/sig (%.0f sign/s) + sha256(body) %.1f µs = %.1f µs; "
                             + "DKIMSigner.sign %.1f µs = %.2f× %@",
                         cell.key, cell.sizeLabel, opensslUs, perSecond, cell.sha.median, reference, cell.sign.median, ratio,
                         ratio <= 1.3 ? "(met)" : "(NOT met)"))
        }
    }

    struct Stats {
        var median: Double
        var mean: Double
        var p90: Double

        init(_ samples: [Double]) {
            let sorted = samples.sorted()
            median = sorted[sorted.count / 2]
            mean = samples.reduce(0, +) / Double(samples.count)
            p90 = sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
        }

        var text: String { String(format: "median %.1f µs, mean %.1f, p90 %.1f", median, mean, p90) }
    }

    struct Cell {
        var key: String
        var messageBytes: Int
        var bodyBytes: Int
        var iterations: Int
        var sign: Stats
        var keySign: Stats
        var sha: Stats
        var cpuOverWall: Double

        var sizeLabel: String { "\((bodyBytes + 512) / 1024) KB" }

        var describe: String {
            let pieces = keySign.median + sha.median
            return """
                dkim: \(key) body \(bodyBytes) B (message \(messageBytes) B), \(iterations) iterations, cpu/wall \(String(format: "%.2f", cpuOverWall))
                  DKIMSigner.sign          \(sign.text)
                  key.sign(300 B header)   \(keySign.text)
                  SHA-256(body)            \(sha.text)
                  sign / (key.sign + sha)  \(String(format: "%.2f", sign.median / pieces)) (medians; overhead \(String(format: "%.1f", sign.median - pieces)) µs)
                """
        }
    }

    static func measure(name: String, key: DKIMPrivateKey, message: [UInt8], header: [UInt8], iterations: Int) throws -> Cell {
        let spec = DKIMSignatureSpec(domain: "brand.example", selector: "s2026", key: key)
        let body = Array(message[(MessageText.bodyStart(message))...])
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        func sha() {
            var length: UInt32 = 0
            body.withUnsafeBytes { _ = EVP_Digest($0.baseAddress, $0.count, &digest, &length, sha256, nil) }
        }
        // Warm up (and check that the signer produces what it should).
        for _ in 0..<max(20, iterations / 50) {
            let signed = try DKIMSigner.sign(message, with: [spec], unixTime: 1_796_000_000)
            guard signed.starts(with: Array("DKIM-Signature: v=1; a=\(key.type.algorithm);".utf8)),
                  signed.count > message.count + 100 else { throw BenchmarkError(message: "unexpected signer output") }
            _ = try key.sign(header)
            sha()
        }
        var signs: [Double] = [], keySigns: [Double] = [], shas: [Double] = []
        signs.reserveCapacity(iterations); keySigns.reserveCapacity(iterations); shas.reserveCapacity(iterations)
        var sink = 0
        let cpu0 = threadCPUNanoseconds(), wall0 = nowNanoseconds()
        for _ in 0..<iterations {
            var t0 = nowNanoseconds()
            let signed = try DKIMSigner.sign(message, with: [spec], unixTime: 1_796_000_000)
            var t1 = nowNanoseconds()
            sink &+= signed.count
            signs.append(Double(t1 - t0) / 1000)
            t0 = nowNanoseconds()
            let signature = try key.sign(header)
            t1 = nowNanoseconds()
            sink &+= signature.count
            keySigns.append(Double(t1 - t0) / 1000)
            t0 = nowNanoseconds()
            sha()
            t1 = nowNanoseconds()
            sink &+= Int(digest[0])
            shas.append(Double(t1 - t0) / 1000)
        }
        let cpu = Double(threadCPUNanoseconds() - cpu0), wall = Double(nowNanoseconds() - wall0)
        precondition(sink != 0)
        return Cell(key: name, messageBytes: message.count, bodyBytes: body.count, iterations: iterations,
                    sign: Stats(signs), keySign: Stats(keySigns), sha: Stats(shas), cpuOverWall: cpu / wall)
    }

    /// SHA-256 fetched once (the legacy `EVP_sha256()` is looked up again at every digest).
    nonisolated(unsafe) static let sha256: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    static func nowNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "? ? ?"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// `openssl speed -mr -seconds N rsa2048 ed25519`: the sign/s figures of the machine's libcrypto.
struct OpenSSLSpeed {
    var rsa2048: Double
    var ed25519: Double
    var seconds: Int

    var describe: String {
        String(format: "openssl speed -seconds %d rsa2048 ed25519: rsa2048 %.0f sign/s (%.1f µs), ed25519 %.0f sign/s (%.1f µs)",
               seconds, rsa2048, 1e6 / rsa2048, ed25519, 1e6 / ed25519)
    }

    /// Runs the command; nil (with a note) when openssl is missing or its output is not understood.
    static func run(seconds: Int) -> OpenSSLSpeed? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "speed", "-mr", "-seconds", "\(seconds)", "rsa2048", "ed25519"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            print("dkim: cannot run openssl speed: \(error)")
            return nil
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // +F2:IDX:BITS:SIGN/S:VERIFY/S  and  +F6:IDX:BITS:NAME:SIGN/S:VERIFY/S
        var rsa: Double?, ed: Double?
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ":")
            if fields.first == "+F2", fields.count >= 5, fields[2] == "2048" { rsa = Double(fields[3]) }
            if fields.first == "+F6", fields.count >= 6, fields[3] == "Ed25519" { ed = Double(fields[4]) }
        }
        guard let rsa, let ed else {
            print("dkim: openssl speed output not understood:\n\(output)")
            return nil
        }
        return OpenSSLSpeed(rsa2048: rsa, ed25519: ed, seconds: seconds)
    }
}

/// Realistic messages: a bulk sender's header block and a plain-text body of lines up to 76
/// characters in paragraphs, from a fixed word list and a fixed seed (the same bytes every run).
enum MessageText {
    static let headers = """
        Received: from app-07.brand.example (app-07.brand.example [10.1.2.7])\r
        \tby relay.brand.example with ESMTP id 4Vx2kQ1Zb9z3Lm\r
        \tfor <someone@example.com>; Fri, 04 Dec 2026 10:00:00 +0000\r
        From: "Brand News" <news@brand.example>\r
        To: Some One <someone@example.com>\r
        Subject: Your December newsletter: five things worth reading this week\r
        Date: Fri, 04 Dec 2026 10:00:00 +0000\r
        Message-ID: <20261204100000.4Vx2kQ1Zb9z3Lm.1187@brand.example>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        Content-Transfer-Encoding: 8bit\r
        List-Unsubscribe: <https://brand.example/u/8f3a2c91d0e4b7a6>,\r
        \t<mailto:unsubscribe+8f3a2c91d0e4b7a6@brand.example>\r
        List-Unsubscribe-Post: List-Unsubscribe=One-Click\r
        X-Mailer: BrandMailer 4.2\r
        X-Job: dec-2026-newsletter\r
        \r

        """

    static let words = """
        the of and to in is that for it as was with be by on not he this are or his from at which but have an they \
        you were her she there would their we him been has when who will more no if out so said what up its about \
        into than them can only other new some could time these two may then do first any my now such like our over \
        man me even most made after also did many before must through back years where much your way well down \
        should because each just those people how too little state good very make world still own see men work long \
        get here between both life being under never day same another know while last might us great old year off \
        come since against go came right used take three newsletter offer account delivery winter reading article
        """.split(separator: " ").map(String.init)

    /// The header block above followed by a body of about `bodyBytes` bytes.
    static func message(bodyBytes: Int) -> [UInt8] {
        Array(headers.utf8) + body(bytes: bodyBytes)
    }

    static func bodyStart(_ message: [UInt8]) -> Int {
        var i = 0
        while i + 3 < message.count {
            if message[i] == 0x0D, message[i + 1] == 0x0A, message[i + 2] == 0x0D, message[i + 3] == 0x0A { return i + 4 }
            i += 1
        }
        return message.count
    }

    /// Lines of words up to 76 characters, an empty line after every sixth, CRLF line ends.
    static func body(bytes: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 100)
        var lines = 0
        while out.count < bytes {
            var line = ""
            while true {
                var word = words[next() % words.count]
                if next() % 12 == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
                if next() % 15 == 0 { word += [",", ".", ";"][next() % 3] }
                if line.count + 1 + word.count > 76 { break }
                line += line.isEmpty ? word : " " + word
            }
            out += Array(line.utf8) + [0x0D, 0x0A]
            lines += 1
            if lines % 6 == 0 { out += [0x0D, 0x0A] }
        }
        return out
    }

    /// The first `bytes` bytes of a relaxed-canonical header block such as a signer hands to the
    /// key (the whole block is 444 bytes; what it says does not change the cost).
    static func headerBlock(bytes: Int) -> String {
        var text = "from:\"Brand News\" <news@brand.example>\r\nto:Some One <someone@example.com>\r\n"
            + "subject:Your December newsletter: five things worth reading this week\r\n"
            + "date:Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            + "message-id:<20261204100000.4Vx2kQ1Zb9z3Lm.1187@brand.example>\r\n"
            + "dkim-signature:v=1; a=rsa-sha256; c=relaxed/relaxed; d=brand.example; s=s2026; "
            + "h=From:From:To:To:Subject:Subject:Date:Date:Message-ID:Message-ID; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b="
        while text.utf8.count < bytes { text += "x" }
        return String(decoding: Array(text.utf8).prefix(bytes), as: UTF8.self)
    }
}
