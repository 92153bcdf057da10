import Foundation
import SluiceConfig
import SluiceCore

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
        var fields: [(String, String)] = [
            ("spool", Self.quoted(directory)),
            ("messages", "\(s.messages)"),
            ("recipients", "\(s.recipients)"),
            ("undelivered_recipients", "\(s.pendingRecipients)"),
            ("content_bytes", "\(s.contentBytes)"),
            ("disk_bytes", "\(s.diskBytes)"),
            ("segments", "\(s.segments)"),
            ("oldest_received_at", s.oldestReceivedAt.map { Self.quoted(Self.iso8601($0)) } ?? "null"),
            ("oldest_age_s", oldestAge(now: now).map { "\($0.milliseconds / 1000)" } ?? "null"),
        ]
        fields.append(("warnings", "[" + warnings.map(Self.quoted).joined(separator: ",") + "]"))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n"
    }

    private static func iso8601(_ instant: Instant) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(instant.milliseconds) / 1000))
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
