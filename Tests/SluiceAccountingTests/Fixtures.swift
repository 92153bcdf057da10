import Foundation
import SluiceConfig
@testable import SluiceCore
@testable import SluiceAccounting

/// 2026-11-23 15:04:05.250 UTC.
let novemberAfternoon = Instant(milliseconds: 1_795_446_245_250)

func deliveryRecord(_ outcome: DeliveryRecord.Outcome, recipient: String = "user@example.com",
                    sender: String = "bounces@sender.example", diagnostic: String = "250 2.0.0 OK",
                    status: String? = nil, category: BounceCategory? = nil,
                    time: Instant = novemberAfternoon) -> DeliveryRecord {
    DeliveryRecord(outcome: outcome, time: time, messageID: MessageID(0xBEEF), recipient: recipient, recipientIndex: 0,
                   sender: sender, queue: QueueKey(domain: domainOf(recipient), vmta: "vmta1"), jobID: "job-7",
                   receivedAt: time - .minutes(3), diagnostic: diagnostic, status: status, category: category,
                   attempts: 1, nextAttempt: nil)
}

let connectedContext = DeliveryContext(node: "mta1.sender.example", size: 2048, sourceIP: "127.0.0.10",
                                       destinationIP: "127.0.0.53", remoteHost: "mx.example.com",
                                       esmtpExtensions: ["PIPELINING", "8BITMIME", "SIZE"], vmtaPool: "pool-a")

/// A fresh directory under the system temp dir, removed by the caller with `removeItem`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-acct-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The non-empty CRLF-terminated lines of a file (CSV rows here never contain CRLF unquoted).
func lines(_ path: String) throws -> [String] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
}

func sortedNames(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}
