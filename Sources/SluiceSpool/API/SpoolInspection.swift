import Foundation
import SluiceConfig
import SluiceBase

/// What `Spool.inspect` read, and its renderings for `sluice spool stats`.
public struct SpoolInspection: Sendable {
    /// The spool directory.
    public var directory: String
    /// Totals over the live messages.
    public var statistics: SpoolStatistics
    /// Damaged regions: `FILE@OFFSET: reason`.
    public var warnings: [String]
    /// The id the next accepted message would get.
    public var nextMessageID: MessageID

    /// The age of the oldest live message at `now`, whole seconds.
    public func oldestAge(now: Instant) -> TimeSpan? {
        statistics.oldestReceivedAt.map { TimeSpan.seconds(max(0, (now - $0).milliseconds / 1000)) }
    }

    /// The human-readable report (warnings are not included; print them to stderr).
    public func text(now: Instant) -> String {
        let s = statistics
        let oldest = s.oldestReceivedAt.map { "\(Self.iso8601($0)) (\(oldestAge(now: now)?.description ?? "0s") ago)" } ?? "-"
        return """
        spool       \(directory)
        messages    \(s.messages)
        recipients  \(s.recipients) (\(s.pendingRecipients) undelivered)
        bytes       \(s.contentBytes) content, \(s.diskBytes) on disk in \(s.segments) segment\(s.segments == 1 ? "" : "s")
        oldest      \(oldest)

        """
    }

    /// The machine-readable report, one JSON object with stable keys.
    public func json(now: Instant) -> String {
        let s = statistics
        let report = Report(spool: directory, messages: s.messages, recipients: s.recipients,
                            undeliveredRecipients: s.pendingRecipients, contentBytes: s.contentBytes,
                            diskBytes: s.diskBytes, segments: s.segments,
                            oldestReceivedAt: s.oldestReceivedAt.map(Self.iso8601),
                            oldestAgeS: oldestAge(now: now).map { $0.milliseconds / 1000 }, warnings: warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(report) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The JSON document's shape; absent values encode as null.
    private struct Report: Encodable {
        var spool: String
        var messages: Int
        var recipients: Int
        var undeliveredRecipients: Int
        var contentBytes: Int64
        var diskBytes: Int64
        var segments: Int
        var oldestReceivedAt: String?
        var oldestAgeS: Int64?
        var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case spool, messages, recipients, segments, warnings
            case undeliveredRecipients = "undelivered_recipients"
            case contentBytes = "content_bytes"
            case diskBytes = "disk_bytes"
            case oldestReceivedAt = "oldest_received_at"
            case oldestAgeS = "oldest_age_s"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(spool, forKey: .spool)
            try c.encode(messages, forKey: .messages)
            try c.encode(recipients, forKey: .recipients)
            try c.encode(undeliveredRecipients, forKey: .undeliveredRecipients)
            try c.encode(contentBytes, forKey: .contentBytes)
            try c.encode(diskBytes, forKey: .diskBytes)
            try c.encode(segments, forKey: .segments)
            try c.encode(oldestReceivedAt, forKey: .oldestReceivedAt)
            try c.encode(oldestAgeS, forKey: .oldestAgeS)
            try c.encode(warnings, forKey: .warnings)
        }
    }

    private static func iso8601(_ instant: Instant) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
    }
}
