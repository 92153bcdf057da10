import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore

/// A realistic node in the middle of an incident: gmail.com in backoff with 421 4.7.0 replies,
/// yahoo.com held with TSS04 deferrals, outlook.com rate-limited, a paused vmta, bad-mailbox
/// bounces, long domain names and a CJK recipient.
enum Fixture {
    static let now = Instant(milliseconds: 1_795_000_000_000)
    static let nowS = 1_795_000_000.0

    static func figures(queued: Int, dlv: Double, def: Double, bnc: Double, conn: Int, rate: String = "unlimited",
                        mode: String = "normal", held: Bool = false, paused: Bool = false, why: String = "", error: String = "",
                        ref: Double = 0, oldest: Double? = nil, latency: [(seconds: Int64, count: Int)] = []) -> QueueFigures {
        var histogram = LatencyHistogram()
        for (seconds, count) in latency { for _ in 0..<count { histogram.record(milliseconds: seconds * 1000) } }
        return QueueFigures(queued: queued, delivered: Int(dlv * 600), deferred: Int(def * 600), bounced: Int(bnc * 600), connections: conn,
                            deliveredPerMin: dlv, deferredPerMin: def, bouncedPerMin: bnc, rateLimit: rate, mode: mode,
                            held: held, paused: paused, why: why, lastError: error, refused: Int(ref * 600), refusedPerMin: ref,
                            oldestAgeS: queued > 0 ? oldest : nil, drainS: QueueFigures.drainSeconds(queued: queued, deliveredPerMin: dlv),
                            latency: latency.isEmpty ? nil : histogram)
    }

    static let gmailError = "421 4.7.0 [TSS] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited."
    static let yahooError = "421 4.7.0 [TSS04] Messages from 127.0.0.10 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
    static let outlookWhy = "rate-limited: max-msg-rate 20/s (outlook.conf:12)"

    static let domains: [DomainRow] = [
        DomainRow(name: "gmail.com", figures: figures(queued: 48_210, dlv: 312, def: 1_480, bnc: 2.5, conn: 3, rate: "5/s", mode: "backoff",
                                                      why: "backoff: backoff-max-msg-rate 5/s (gmail.conf:21)", error: gmailError,
                                                      oldest: 7_420, latency: [(3, 800), (40, 150), (900, 50)])),
        DomainRow(name: "yahoo.com", figures: figures(queued: 21_877, dlv: 0, def: 0, bnc: 0, conn: 0, rate: "40/s", held: true,
                                                      why: "held by alice: TSS04 storm", error: yahooError,
                                                      ref: 42, oldest: 1_260, latency: [(2, 500), (600, 20)])),
        DomainRow(name: "outlook.com", figures: figures(queued: 9_402, dlv: 1_200, def: 35, bnc: 1.2, conn: 12, rate: "20/s",
                                                        why: outlookWhy, error: "451 4.7.500 Server busy. Please try again later.",
                                                        oldest: 95, latency: [(1, 1_000), (8, 40)])),
        DomainRow(name: "hotmail.de", figures: figures(queued: 312, dlv: 96, def: 0, bnc: 7.5, conn: 2, rate: "20/s", why: "",
                                                       error: "550 5.1.1 <hans.mueller@hotmail.de>: Recipient address rejected: User unknown")),
        DomainRow(name: "mail.very-long-subdomain-name.example-corporation.co.uk",
                  figures: figures(queued: 4, dlv: 1, def: 0, bnc: 0, conn: 1, why: "idle: waiting for retry (10m)")),
        DomainRow(name: "qq.com", figures: figures(queued: 1_045, dlv: 44, def: 3, bnc: 0, conn: 2, rate: "10/s",
                                                   why: "connections: max-smtp-out 2 (cn.conf:4)", error: "451 4.3.2 系统繁忙")),
        DomainRow(name: "icloud.com", figures: figures(queued: 0, dlv: 18, def: 0, bnc: 0, conn: 0)),
    ]

    static let queues: [QueueRow] = [
        QueueRow(domain: "gmail.com", vmta: "vmta1", figures: domains[0].figures),
        QueueRow(domain: "gmail.com", vmta: "vmta2", figures: figures(queued: 12_040, dlv: 0, def: 0, bnc: 0, conn: 0, rate: "5/s", mode: "backoff", paused: true,
                                                                      why: "paused: vmta vmta2 paused by bob", error: gmailError)),
        QueueRow(domain: "yahoo.com", vmta: "vmta1", figures: domains[1].figures),
        QueueRow(domain: "outlook.com", vmta: "vmta1", figures: domains[2].figures),
        QueueRow(domain: "hotmail.de", vmta: "vmta1", figures: domains[3].figures),
        QueueRow(domain: "mail.very-long-subdomain-name.example-corporation.co.uk", vmta: "vmta1", figures: domains[4].figures),
        QueueRow(domain: "qq.com", vmta: "vmta1", figures: domains[5].figures),
    ]

    static let vmtas: [VMTARow] = [
        VMTARow(name: "vmta1", source: "127.0.0.10", paused: false, connections: 20, queued: 68_850, deliveredPerMin: 1_671,
                deferredPerMin: 1_518, busiestDomains: ["outlook.com", "gmail.com", "hotmail.de"], refusedPerMin: 42),
        VMTARow(name: "vmta2", source: "127.0.0.11", paused: true, connections: 0, queued: 12_040, deliveredPerMin: 0,
                deferredPerMin: 0, busiestDomains: ["gmail.com"]),
    ]

    static let controls: [ControlInfo] = [
        ControlInfo(id: "c-17", kind: .hold, target: "yahoo.com", detail: "held", who: "alice(1001)", why: "TSS04 storm",
                    createdAt: nowS - 600, expiresAt: nowS + 1_800),
        ControlInfo(id: "c-18", kind: .pause, target: "vmta2", detail: "paused", who: "bob(1002)", why: "IP on a blocklist",
                    createdAt: nowS - 3_600, expiresAt: nil),
        ControlInfo(id: "c-19", kind: .throttle, target: "gmail.com", detail: "max-msg-rate=5/s", who: "console", why: "421 storm",
                    createdAt: nowS - 120, expiresAt: nowS + 3_480),
    ]

    static func history(_ base: Int, _ count: Int = 300) -> [Int] {
        (0..<count).map { i in max(0, base + (i * 37 % 23) - 11 + (i > count - 60 ? -base / 2 : 0)) }
    }

    static let snapshot = NodeSnapshot(
        status: StatusSnapshot(
            node: "mx1.example.net", uptimeS: 273_645, queued: 80_850,
            in: .init(msgs: 9_120_442, perS: 41.5), out: .init(delivered: 8_800_121, deferred: 410_233, bounced: 12_004,
                                                              perS: 27.9, deferredPerS: 25.3, bouncedPerS: 0.19,
                                                              refused: 25_200, refusedPerS: 0.7),
            connections: .init(in: 14, out: 20), spool: .init(bytes: 3_435_973_836, freeBytes: 44_023_414_784),
            controls: controls, history: .init(in: history(42), out: history(28))),
        domains: domains, queues: queues, vmtas: vmtas, patterns: patterns, jobs: jobs)

    static let events: [EventRecord] = [
        EventRecord(time: nowS - 9, kind: "delivered", queue: "outlook.com/vmta1", recipient: "jane@outlook.com", code: 250,
                    dsnDiag: "250 2.6.0 <a1@mx1.example.net> Queued mail for delivery", category: ""),
        EventRecord(time: nowS - 8, kind: "deferred", queue: "gmail.com/vmta1", recipient: "kim@gmail.com", code: 421, dsnDiag: gmailError, category: "policy-related"),
        EventRecord(time: nowS - 7, kind: "deferred", queue: "yahoo.com/vmta1", recipient: "sam@yahoo.com", code: 421, dsnDiag: yahooError, category: "policy-related"),
        EventRecord(time: nowS - 6, kind: "bounced", queue: "hotmail.de/vmta1", recipient: "hans.mueller@hotmail.de", code: 550,
                    dsnDiag: "550 5.1.1 <hans.mueller@hotmail.de>: Recipient address rejected: User unknown", category: "bad-mailbox"),
        EventRecord(time: nowS - 5, kind: "delivered", queue: "qq.com/vmta1", recipient: "王小明@qq.com", code: 250, dsnDiag: "250 OK: queued as 1234", category: ""),
        EventRecord(time: nowS - 4, kind: "deferred", queue: "qq.com/vmta1", recipient: "李雷@qq.com", code: 451, dsnDiag: "451 4.3.2 系统繁忙", category: "other"),
        EventRecord(time: nowS - 3, kind: "deferred", queue: "gmail.com/vmta1", recipient: "lee@gmail.com", code: 0,
                    dsnDiag: "connect to 127.0.0.20:2525 failed: connection refused", category: "no-answer-from-host"),
        EventRecord(time: nowS - 2, kind: "bounced", queue: "gmail.com/vmta1", recipient: "nobody@gmail.com", code: 550,
                    dsnDiag: "550 5.1.1 The email account that you tried to reach does not exist.", category: "bad-mailbox"),
        EventRecord(time: nowS - 1, kind: "delivered", queue: "mail.very-long-subdomain-name.example-corporation.co.uk/vmta1",
                    recipient: "ceo@mail.very-long-subdomain-name.example-corporation.co.uk", code: 250, dsnDiag: "250 2.0.0 Ok", category: ""),
    ]

    static let gmailSettings = SettingsSnapshot(queue: "gmail.com", entries: [
        .init(name: "max-smtp-out", value: "10", origin: "gmail.conf:18"),
        .init(name: "max-msg-per-connection", value: "100", origin: "gmail.conf:19"),
        .init(name: "max-msg-rate", value: "5/s", origin: "console (c-19)"),
        .init(name: "max-connect-rate", value: "unlimited", origin: "default"),
        .init(name: "max-rcpt-per-transaction", value: "1000", origin: "default"),
        .init(name: "retry-after", value: "10m,20m,1h", origin: "sluice.conf:40"),
        .init(name: "bounce-after", value: "4d12h", origin: "default"),
        .init(name: "backoff-max-msg-rate", value: "5/s", origin: "gmail.conf:21"),
        .init(name: "backoff-max-smtp-out", value: "2", origin: "gmail.conf:22"),
        .init(name: "backoff-retry-after", value: "20m", origin: "gmail.conf:23"),
        .init(name: "backoff-to-normal-after", value: "1h", origin: "gmail.conf:24"),
        .init(name: "smtp-pattern-list", value: "google-errors", origin: "gmail.conf:25"),
        .init(name: "use-starttls", value: "yes", origin: "default"),
    ], history: history(9), recipients: [
        .init(recipient: "kim@gmail.com", ageS: 5_460, attempts: 6, lastReply: "421 4.7.0 [TSS] unusual rate of unsolicited mail"),
        .init(recipient: "佐藤@gmail.com", ageS: 3_300, attempts: 4, lastReply: "421 4.7.0 [TSS] unusual rate of unsolicited mail"),
        .init(recipient: "lee@gmail.com", ageS: 95, attempts: 1, lastReply: "connect to 127.0.0.20:2525 failed"),
        .init(recipient: "new@gmail.com", ageS: 4, attempts: 0, lastReply: ""),
    ])

    static func complaints(_ dlvHour: Int, _ cplHour: Int, _ dlvDay: Int, _ cplDay: Int, total: Int? = nil,
                           async: Int = 0) -> ComplaintFigures {
        let t = ComplaintThresholds()
        return ComplaintFigures(lastHour: .init(delivered: dlvHour, complaints: cplHour, thresholds: t),
                                lastDay: .init(delivered: dlvDay, complaints: cplDay, thresholds: t),
                                complaints: total ?? cplDay, asyncBounces: async)
    }

    /// Complaint figures per domain (gmail.com alarming over the hour, flagged over the day;
    /// hotmail.de too small to judge; qq.com with nothing in 24 hours) and the node's totals.
    static let domainComplaints: [String: ComplaintFigures] = [
        "gmail.com": complaints(7_120, 25, 43_300, 52, total: 57, async: 4),
        "yahoo.com": complaints(0, 0, 61_000, 40, async: 1),
        "outlook.com": complaints(72_000, 5, 410_000, 30),
        "hotmail.de": complaints(480, 2, 2_300, 3, async: 12),
        "mail.very-long-subdomain-name.example-corporation.co.uk": complaints(60, 0, 1_440, 0),
        "icloud.com": complaints(1_080, 0, 25_900, 1),
    ]

    /// The snapshot of a node that reports reputation figures.
    /// The snapshot with vmta2's source address listed on Spamhaus ZEN (SBL) and paused by the
    /// blocklist watch.
    static let listedSnapshot: NodeSnapshot = {
        var s = snapshot
        s.vmtas[1].listings = [BlocklistListing(zone: "zen.spamhaus.org", answer: "127.0.0.2", meaning: "SBL", action: "pause",
                                                since: nowS - 300)]
        return s
    }()

    static let reputationSnapshot: NodeSnapshot = {
        var s = snapshot
        s.status.reputation = ReputationTotals(
            suppressed: 4_210, suppressedLastMinute: 37, suppressedHistory: history(30, 60), dsnsSent: 1_877, dsnsLastMinute: 12,
            dsnsByAction: ["failed": 1_820, "delayed": 57], complaints: 152, complaintsByType: ["abuse": 150, "fraud": 2],
            asyncBounces: 17, asyncBouncesByCategory: ["bad-mailbox": 15, "quota-issues": 2], reportsUnparsed: 3)
        for i in s.domains.indices { s.domains[i].figures.complaints = domainComplaints[s.domains[i].name] }
        for i in s.queues.indices where s.queues[i].vmta == "vmta1" {
            s.queues[i].figures.complaints = domainComplaints[s.queues[i].domain]
        }
        s.vmtas[0].complaints = complaints(154_000, 32, 1_020_000, 126)
        s.vmtas[1].complaints = complaints(0, 0, 3_200, 0)
        return s
    }()

    /// The snapshot with vmta1 warming up (held after a bad day) and vmta2 done.
    static let warmupSnapshot: NodeSnapshot = {
        var s = snapshot
        s.vmtas[0].warmup = WarmupFigures(schedule: "new-ip", day: 6, days: 20, sentToday: 1_210, capToday: 3_000,
                                          rate: "20/s", held: "deferral rate 14% > 10%")
        s.vmtas[1].warmup = WarmupFigures(schedule: "new-ip", day: 21, days: 20, sentToday: 48_000, capToday: nil,
                                          rate: "unlimited", held: nil)
        return s
    }()

    /// gmail.com's settings with its recent complaints and asynchronous bounces.
    static let gmailReputationSettings: SettingsSnapshot = {
        var settings = gmailSettings
        let notes: [(Double, String, String, Int, String, String)] = [
            (3_400, "complaint", "abuse", 0, "kim@gmail.com", "arf abuse from feedback@google.example"),
            (2_100, "async-bounce", "bad-mailbox", 550, "old.friend@gmail.com", "550 5.1.1 The email account that you tried to reach does not exist."),
            (900, "complaint", "abuse", 0, "佐藤@gmail.com", "arf abuse from feedback@google.example"),
            (40, "complaint", "fraud", 0, "lee@gmail.com", "arf fraud from feedback@google.example"),
        ]
        settings.reputation = SettingsSnapshot.Reputation(figures: domainComplaints["gmail.com"], recent: notes.map { n in
            EventRecord(time: nowS - n.0, kind: n.1, queue: "gmail.com/vmta1", recipient: n.4, code: n.3, dsnDiag: n.5, category: n.2)
        })
        return settings
    }()

    /// The state after the snapshot and events arrived, at `width`×`height`.
    static func state(width: Int, height: Int, readOnly: Bool = false) -> ConsoleState {
        var s = ConsoleState(width: width, height: height, now: now, readOnly: readOnly)
        _ = ConsoleReducer.reduce(&s, .snapshot(snapshot, at: now - TimeSpan.seconds(1)))
        _ = ConsoleReducer.reduce(&s, .events(events))
        _ = ConsoleReducer.reduce(&s, .tick(now))
        return s
    }

    /// Applies keys in order, collecting effects.
    @discardableResult
    static func press(_ keys: [Key], _ state: inout ConsoleState) -> [ConsoleEffect] {
        keys.flatMap { ConsoleReducer.reduce(&state, .key($0)) }
    }

    /// Keys typing `text`.
    static func type(_ text: String) -> [Key] { text.map { .char($0) } }
}
