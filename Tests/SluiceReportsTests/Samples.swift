import Foundation
import Testing
@testable import SluiceReports

/// The sample messages under `Samples/` (RFC 3464 Appendix D and RFC 5965 Appendix B verbatim;
/// the others shaped like the real reports of each sender, with example addresses).
enum Samples {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Samples")

    static let names: [String] = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?
        .filter { $0.hasSuffix(".eml") }.sorted() ?? []

    /// The bytes of a sample with LF line breaks (the RFC samples are stored with CRLF).
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name))).filter { $0 != UInt8(ascii: "\r") }
    }

    /// The same with CRLF line breaks, as a message arrives over SMTP.
    static func crlf(_ name: String) throws -> [UInt8] {
        var out: [UInt8] = []
        for byte in try bytes(name) {
            if byte == UInt8(ascii: "\n") { out.append(UInt8(ascii: "\r")) }
            out.append(byte)
        }
        return out
    }

    static func parse(_ name: String, crlf: Bool = false) throws -> InboundReport {
        ReportParser().parse(crlf ? try Samples.crlf(name) : try bytes(name))
    }
}

extension InboundReport {
    var bounce: BounceReport? {
        if case .bounce(let report) = self { return report }
        return nil
    }

    var complaint: ComplaintReport? {
        if case .complaint(let report) = self { return report }
        return nil
    }

    var unparsedReason: UnparsedReason? {
        if case .unparsed(let report) = self { return report.reason }
        return nil
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

/// SplitMix64, so a failing mutation names a seed that reproduces it.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
