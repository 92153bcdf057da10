import SluiceControlProtocol

/// The fixture's jobs (X-Job): a newsletter half sent, a receipts stream keeping up, a win-back
/// campaign paused after complaints, and yesterday's finished campaign.
extension Fixture {
    static let jobs: [JobRow] = [
        JobRow(name: "newsletter-2611", queued: 48_210, delivered: 51_030, deferred: 9_120, bounced: 612, deleted: 0, complained: 14,
               suppressed: 1_204, progress: 0.517, deliveredPerMin: 1_420, paused: false, pausedBy: nil,
               firstSeen: nowS - 5_400, lastActivity: nowS - 1),
        JobRow(name: "receipts", queued: 35, delivered: 220_114, deferred: 310, bounced: 41, deleted: 0, complained: 0,
               suppressed: 3, progress: 0.9998, deliveredPerMin: 180, paused: false, pausedBy: nil,
               firstSeen: nowS - 86_000, lastActivity: nowS - 2),
        JobRow(name: "winback-q4", queued: 12_400, delivered: 3_100, deferred: 420, bounced: 88, deleted: 0, complained: 9,
               suppressed: 310, progress: 0.205, deliveredPerMin: 0, paused: true,
               pausedBy: "#21 by alice (uid 1000) via console: complaints over 2/1000",
               firstSeen: nowS - 7_200, lastActivity: nowS - 300),
        JobRow(name: "promo-1125", queued: 0, delivered: 80_412, deferred: 1_001, bounced: 930, deleted: 2_000, complained: 21,
               suppressed: 4_410, progress: 1, deliveredPerMin: 0, paused: false, pausedBy: nil,
               firstSeen: nowS - 90_000, lastActivity: nowS - 40_000),
    ]
}
