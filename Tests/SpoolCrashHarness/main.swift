// A process for the crash-recovery test (SluiceSpoolTests/CrashRecoveryTests) to SIGKILL:
//
//   SpoolCrashHarness SPOOL SINK COUNT WRITERS
//
// Opens the spool, delivers what recovery found, and meanwhile accepts COUNT two-recipient
// messages from WRITERS concurrent tasks. After each accept returns (the moment an SMTP server
// would answer 250) it writes `A <id>` to stdout, then the same task delivers it. Delivering
// appends `<id>:<recipient>` to SINK (the remote MTA's log) and only then records the recipient
// as delivered, as a real delivery does: a crash between the two is what produces duplicates.
// Exits 0 after printing `DONE` once everything is delivered; 3 if a message's content came back
// wrong; 2 on a usage error.
import Glibc
import SluiceConfig
import SluiceBase
import SluiceSpool

let arguments = CommandLine.arguments
guard arguments.count == 5, let count = Int(arguments[3]), let writers = Int(arguments[4]), writers > 0 else {
    FileHandle.standardError("usage: SpoolCrashHarness SPOOL SINK COUNT WRITERS\n")
    exit(2)
}
let spoolPath = arguments[1]
let sink = open(arguments[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
guard sink >= 0 else {
    FileHandle.standardError("cannot open \(arguments[2])\n")
    exit(2)
}

/// Unbuffered writes, so a line is out of the process before the next step.
enum FileHandle {
    static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue } else { exit(4) } }
            done += n
        }
        bytes.removeAll()
    }
    static func standardError(_ text: String) { write(2, text) }
}

let body = Array(("X-Harness: crash test\r\n" + String(repeating: "x", count: 490) + "\r\n").utf8)

func deliver(_ spool: Spool, _ id: MessageID, recipients: [Int]) async throws {
    guard try spool.content(of: id) == body else {
        FileHandle.standardError("content of \(id) came back wrong\n")
        exit(3)
    }
    for recipient in recipients {
        if recipient == 1 {
            // The second recipient is deferred once first, so retries and attempts are exercised.
            try await spool.record([RecipientProgress(message: id, recipient: 1, outcome: .deferred(nextAttempt: Instant(milliseconds: 1)), attempts: 1)])
        }
        FileHandle.write(sink, "\(id.raw):\(recipient)\n")
        try await spool.record([RecipientProgress(message: id, recipient: recipient, outcome: .delivered, attempts: recipient + 1)])
    }
}

// Small segments, so that rolling, preallocation, reclaiming and compaction all happen mid-run.
let (spool, report) = try Spool.open(directory: spoolPath, options: SpoolOptions(segmentSize: ByteSize(bytes: 256 << 10)))
for warning in report.warnings { FileHandle.standardError("warning: \(warning)\n") }

try await withThrowingTaskGroup(of: Void.self) { group in
    for message in report.messages {
        group.addTask { try await deliver(spool, message.message.id, recipients: message.pending.map(\.index)) }
    }
    for writer in 0..<writers {
        group.addTask {
            for _ in stride(from: writer, to: count, by: writers) {
                let id = try await spool.accept(
                    SpoolEnvelope(sender: "harness@example.org",
                                  recipients: [SpoolRecipient(address: "a@example.com"), SpoolRecipient(address: "b@example.net")],
                                  vmta: "vmta1", receivedAt: Instant(milliseconds: 1)),
                    content: body)
                FileHandle.write(1, "A \(id.raw)\n")
                try await deliver(spool, id, recipients: [0, 1])
            }
        }
    }
    try await group.waitForAll()
}
await spool.close()
FileHandle.write(1, "DONE\n")
