import Foundation
import SluiceBase
@testable import SluiceSpool

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/sluice-spool-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpoolError.io(operation: "mkdtemp", path: "/tmp", errno: errno) }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// An envelope with `count` recipients at example.com.
func envelope(recipients count: Int = 1, at millis: Int64 = 1_000, job: String? = nil) -> SpoolEnvelope {
    SpoolEnvelope(sender: "sender@example.org",
                  recipients: (0..<count).map { SpoolRecipient(address: "user\($0)@example.com", notify: "FAILURE",
                                                              originalRecipient: "rfc822;user\($0)@example.com") },
                  vmta: "vmta1", jobID: job, receivedAt: Instant(milliseconds: millis), ret: "HDRS", envelopeID: "env-1")
}

/// Distinct content for message number `n`.
func content(_ n: Int, size: Int = 300) -> [UInt8] {
    let line = Array("message \(n)\r\n".utf8)
    return (0..<size).map { line[$0 % line.count] }
}

/// The segment files of a spool, oldest first.
func segmentPaths(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory + "/segments")
        .filter { $0.hasSuffix(".seg") }.sorted().map { directory + "/segments/" + $0 }
}

/// Options with a free-space probe that reports plenty, unless told otherwise.
func testOptions(segmentSize: Int64 = 1 << 20, compactAfterSegments: Int = 4,
                 free: @escaping @Sendable (String) -> Int64? = { _ in 1 << 40 },
                 minimum: Int64? = nil) -> SpoolOptions {
    SpoolOptions(minimumFreeSpace: minimum.map { ByteSize(bytes: $0) }, segmentSize: ByteSize(bytes: segmentSize),
                 compactAfterSegments: compactAfterSegments, freeSpaceProbe: free)
}

import SluiceConfig
