import SluiceControlProtocol
import SluiceConsole

/// The fixture's history: gmail.com delivering about 300 a minute all day until its 421 storm
/// began 40 minutes ago, and a frame of the minute the Yahoo TSS04 incident began.
extension Fixture {
    /// The newest minute the history has (the one before the fixture's now).
    static var newestMinute: Int64 { HistoryFrame.minute(of: now) - 1 }

    /// gmail.com's last 24 hours.
    static let gmailHistory: [HistoryPoint] = (0..<1440).map { i in
        let minute = HistoryFrame.minute(of: now) - 1440 + Int64(i)
        let storm = i >= 1400
        return HistoryPoint(minute: minute, row: HistoryRow(
            name: "gmail.com", queued: 20_000 + i * 20, delivered: storm ? 40 + i % 7 : 280 + (i * 37) % 40,
            deferred: storm ? 1_400 + i % 90 : i % 5, state: storm ? "BACKOFF" : ""))
    }

    /// The minute three minutes ago: Yahoo refusing at the greeting, Gmail in backoff.
    static var incidentFrame: HistoryFrame {
        let minute = newestMinute - 2
        let domains = [
            HistoryRow(name: "gmail.com", queued: 47_900, delivered: 310, deferred: 1_470, state: "BACKOFF"),
            HistoryRow(name: "yahoo.com", queued: 21_100, delivered: 12, refused: 38),
            HistoryRow(name: "outlook.com", queued: 5_210, delivered: 2_240, deferred: 30),
        ]
        let total = domains.reduce(into: HistoryRow(name: "")) { t, r in
            t.queued += r.queued; t.delivered += r.delivered; t.deferred += r.deferred; t.refused += r.refused
        }
        return HistoryFrame(minute: minute, total: total, domains: domains,
                            vmtas: [HistoryRow(name: "vmta1", queued: 60_000, delivered: 2_400, deferred: 1_300, refused: 38),
                                    HistoryRow(name: "vmta2", queued: 14_210, delivered: 162, deferred: 200, state: "PAUSED")],
                            jobs: [HistoryRow(name: "newsletter-2611", queued: 49_000, delivered: 1_390)])
    }
}
