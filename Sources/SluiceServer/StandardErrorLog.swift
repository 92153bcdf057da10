import Foundation

/// Plain log lines on standard error, UTC: `2026-11-23T16:20:01.123Z sluice: message`.
public enum StandardErrorLog {
    /// Writes one line with a UTC timestamp.
    @Sendable public static func write(_ line: String) {
        let text = "\(Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))Z sluice: \(line)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
