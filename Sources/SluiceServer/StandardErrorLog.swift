import Foundation
import Glibc
import SluiceCore

/// Plain log lines on standard error, UTC: `2026-11-23T16:20:01.123Z sluice: message`.
public enum StandardErrorLog {
    /// Writes one line stamped with the wall clock's time (``WallClock``).
    @Sendable public static func write(_ line: String) {
        write(line, at: WallClock().now())
    }

    /// Writes one line stamped with `instant`, in UTC. A closed or broken standard error loses the
    /// line and nothing else (no trap on EPIPE).
    public static func write(_ line: String, at instant: Instant) {
        let text = "\(instant.date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))Z sluice: \(line)\n"
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.write(2, base + offset, raw.count - offset)
            }
            if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
        }
    }
}
