import SluiceControlProtocol

/// Reply templates of the incident the fixture shows: Gmail's 421 4.7.0 across both vmtas, a
/// Yahoo TSS04 storm that started two minutes ago (the newest incident), Microsoft's 4.7.650
/// and bad-mailbox bounces.
extension Fixture {
    static func minutes(_ recent: [Int], base: Int = 0) -> [Int] {
        Array(repeating: base, count: 60 - recent.count) + recent
    }

    static let patterns: [PatternRow] = [
        PatternRow(template: "421 4.7.0 [TSS] Our system has detected an unusual rate of unsolicited mail originating from your IP address. "
                   + "To protect our users from spam, mail sent from your IP address has been temporarily rate limited.",
                   example: gmailError, deferred: 52_310, bounced: 0,
                   perMinute: (0..<60).map { 700 + ($0 * 53 % 41) * 10 }, firstSeen: nowS - 3_000, lastSeen: nowS - 1,
                   domains: [.init(name: "gmail.com", count: 52_310, share: 0.94)],
                   vmtas: [.init(name: "vmta1", count: 40_100, share: 0.9), .init(name: "vmta2", count: 12_210, share: 1.0)]),
        PatternRow(template: "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - {ip}; "
                   + "see https://postmaster.yahooinc.com/error-codes",
                   example: yahooError, deferred: 2_405, bounced: 0, perMinute: minutes([310, 1_204, 891]),
                   firstSeen: nowS - 150, lastSeen: nowS - 7,
                   domains: [.init(name: "yahoo.com", count: 2_405, share: 0.97)], vmtas: [.init(name: "vmta1", count: 2_405, share: 0.31)]),
        PatternRow(template: "451 4.7.500 Server busy. Please try again later.", example: "451 4.7.500 Server busy. Please try again later.",
                   deferred: 1_780, bounced: 0, perMinute: minutes([30, 35, 29, 31], base: 28), firstSeen: nowS - 3_500, lastSeen: nowS - 2,
                   domains: [.init(name: "outlook.com", count: 1_780, share: 0.85)], vmtas: [.init(name: "vmta1", count: 1_780, share: 0.05)]),
        PatternRow(template: "550 5.1.1 <{addr}>: Recipient address rejected: User unknown",
                   example: "550 5.1.1 <hans.mueller@hotmail.de>: Recipient address rejected: User unknown",
                   deferred: 0, bounced: 450, perMinute: minutes([7, 8, 7, 9], base: 7), firstSeen: nowS - 3_590, lastSeen: nowS - 6,
                   domains: [.init(name: "hotmail.de", count: 450, share: 1.0)], vmtas: [.init(name: "vmta1", count: 450, share: 0.01)]),
        PatternRow(template: "451 4.3.2 系统繁忙", example: "451 4.3.2 系统繁忙", deferred: 180, bounced: 0, perMinute: minutes([3, 3, 3], base: 3),
                   firstSeen: nowS - 3_400, lastSeen: nowS - 4,
                   domains: [.init(name: "qq.com", count: 180, share: 1.0)], vmtas: [.init(name: "vmta1", count: 180, share: 0.01)]),
    ]

    /// The dry run of a rule drafted from the TSS04 template: most of Yahoo's deferrals, which
    /// yahoo.conf's backoff rule takes today.
    static func yahooDryRun(_ pattern: String) -> ReplyRuleDryRunResult {
        ReplyRuleDryRunResult(pattern: pattern, matched: 2_405, examined: 50_000,
                              queues: [.init(name: "yahoo.com/vmta1", count: 2_405, share: 1)],
                              alreadyMatchedBy: [.init(list: "yahoo", rule: #"/^421 4\.7\.0/"#, location: "yahoo.conf:7", count: 2_405)])
    }
}
