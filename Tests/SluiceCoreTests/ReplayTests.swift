import SluiceConfig
import Testing
@testable import SluiceCore

/// The engine's output depends only on its inputs: a log of inputs recorded from one run (mail,
/// I/O results, operator commands, the override file's throttles as data, ticks) replays into a
/// fresh engine to the very same actions, input by input.
@Suite("Engine replay")
struct ReplayTests {
    /// One recorded engine input with the instant it carried.
    enum Input: Hashable {
        case inject(Message, at: Instant)
        case tick(at: Instant)
        case connectionOpened(ConnectionID, at: Instant)
        case connectionFailed(ConnectionID, ConnectionFailure, at: Instant)
        case transactionCompleted(TransactionID, replies: [SMTPReply], reusable: Bool, at: Instant)
        case command(ControlCommand, ControlRequest, at: Instant)
        case persistedThrottles([PersistedThrottle], at: Instant)
    }

    /// What one input produced: its actions, or the error it was refused with.
    enum Output: Hashable {
        case actions([EngineAction])
        case refused(String)
    }

    static func feed(_ input: Input, into engine: inout DeliveryEngine) -> Output {
        do {
            switch input {
            case .inject(let message, let at): return .actions(try engine.inject(message, now: at))
            case .tick(let at): return .actions(engine.tick(now: at))
            case .connectionOpened(let id, let at): return .actions(engine.connectionOpened(id, now: at))
            case .connectionFailed(let id, let failure, let at): return .actions(engine.connectionFailed(id, failure, now: at))
            case .transactionCompleted(let id, let replies, let reusable, let at):
                return .actions(engine.transactionCompleted(id, replies: replies, connectionReusable: reusable, now: at))
            case .command(let command, let request, let at): return .actions(try engine.apply(command, by: request, now: at))
            case .persistedThrottles(let throttles, let at): return .actions(engine.setPersistedThrottles(throttles, now: at))
            }
        } catch {
            return .refused("\(error)")
        }
    }

    static func configuration() throws -> StaticEngineConfiguration {
        let defaults = try StaticEngineConfiguration.settings([
            ("max-smtp-out", "3"), ("max-msg-per-connection", "5"), ("retry-after", "5m"), ("bounce-after", "1h"),
            ("backoff-retry-after", "10m"), ("backoff-to-normal-after", "15m"), ("idle-timeout", "30s"),
        ])
        let gmail = try StaticEngineConfiguration.settings([("smtp-pattern-list", "isp")], over: defaults)
        let list = SMTPPatternList(name: "isp", rules: [
            SMTPPatternRule(regex: try PatternRegex("^421 4\\.7\\.0"), actions: [.mode(.backoff)]),
        ])
        return StaticEngineConfiguration(defaults: defaults, domains: ["gmail.com": gmail], patternLists: ["isp": list])
    }

    /// Runs a scripted hour against a fresh engine and records every input it gave and every
    /// output it got: mail to three domains, connections that sometimes fail, replies that mix
    /// 250, 421 4.7.0 (a backoff storm at gmail.com), 450 and 550, a hold and its release, a
    /// throttle override that expires, and a persisted throttle that lapses.
    static func record() throws -> (inputs: [Input], outputs: [Output]) {
        var engine = DeliveryEngine(configuration: try configuration())
        var inputs: [Input] = []
        var outputs: [Output] = []
        // Scheduled inputs (time, sequence, input) answered in time order.
        var pending: [(time: Int64, seq: Int, input: Input)] = []
        var seq = 0
        func schedule(_ input: Input, at time: Instant) {
            pending.append((time.milliseconds, seq, input))
            seq += 1
        }
        let minute: Int64 = 60_000
        let domains = ["gmail.com", "yahoo.com", "example.net"]
        for n in 0..<180 {
            let at = Instant(milliseconds: Int64(n) * 20_000)
            let message = Message(id: MessageID(UInt64(n + 1)), sender: "b@sender.example",
                                  recipients: (0...(n % 3)).map { "u\($0)-\(n)@\(domains[n % 3])" },
                                  size: 1000, vmta: "", receivedAt: at)
            schedule(.inject(message, at: at), at: at)
        }
        let request = ControlRequest(who: "ops", why: "replay")
        schedule(.persistedThrottles([PersistedThrottle(target: .domain("yahoo.com"), directive: "max-smtp-out", value: "1",
                                                        location: SourceLocation(file: "overrides.conf", line: 5, column: 5),
                                                        expiresAt: Instant(milliseconds: 35 * minute))],
                                     at: .zero), at: .zero)
        schedule(.command(.hold(domain: "example.net"), request, at: Instant(milliseconds: 12 * minute)),
                 at: Instant(milliseconds: 12 * minute))
        schedule(.command(.release(domain: "example.net"), request, at: Instant(milliseconds: 27 * minute)),
                 at: Instant(milliseconds: 27 * minute))
        let throttle = ControlRequest(who: "ops", why: "replay", duration: .minutes(10))
        schedule(.command(.setThrottle(target: .domain("gmail.com"), settings: [ThrottleSetting(directive: "max-smtp-out", value: "1")],
                                       persist: false), throttle, at: Instant(milliseconds: 20 * minute)),
                 at: Instant(milliseconds: 20 * minute))
        var connections = 0
        var transactions = 0
        let end = 60 * minute
        while true {
            let io = pending.min { ($0.time, $0.seq) < ($1.time, $1.seq) }
            let wake = engine.nextWakeup?.milliseconds
            let input: Input
            if let io, wake.map({ io.time <= $0 }) ?? true {
                guard io.time <= end else { break }
                pending.removeAll { $0.seq == io.seq }
                input = io.input
            } else if let wake, wake <= end {
                input = .tick(at: Instant(milliseconds: wake))
            } else {
                break
            }
            inputs.append(input)
            let output = feed(input, into: &engine)
            outputs.append(output)
            guard case .actions(let actions) = output else { continue }
            let now = instant(of: input)
            for action in actions {
                switch action {
                case .openConnection(let id, _):
                    connections += 1
                    let at = now + TimeSpan(milliseconds: 150)
                    schedule(connections % 7 == 0 ? .connectionFailed(id, .noAnswer("refused"), at: at)
                                                  : .connectionOpened(id, at: at), at: at)
                case .startTransaction(let transaction):
                    transactions += 1
                    let at = now + TimeSpan(milliseconds: 400)
                    let stormy = transaction.queue.domain == "gmail.com" && (10 * minute..<25 * minute).contains(now.milliseconds)
                    let replies = transaction.recipients.indices.map { i -> SMTPReply in
                        if stormy { return SMTPReply("421 4.7.0 try again later") }
                        switch (transactions + i) % 11 {
                        case 3: return SMTPReply("450 4.2.0 mailbox busy")
                        case 7: return SMTPReply("550 5.1.1 no such user")
                        default: return SMTPReply("250 2.0.0 ok")
                        }
                    }
                    schedule(.transactionCompleted(transaction.id, replies: replies, reusable: !stormy, at: at), at: at)
                default:
                    break
                }
            }
        }
        return (inputs, outputs)
    }

    static func instant(of input: Input) -> Instant {
        switch input {
        case .inject(_, let at), .tick(let at), .connectionOpened(_, let at), .connectionFailed(_, _, let at),
             .transactionCompleted(_, _, _, let at), .command(_, _, let at), .persistedThrottles(_, let at):
            return at
        }
    }

    @Test("a recorded input log replays twice to identical actions, input by input")
    func recordedLogReplaysToIdenticalActions() throws {
        let (inputs, recorded) = try Self.record()
        var first = DeliveryEngine(configuration: try Self.configuration())
        var second = DeliveryEngine(configuration: try Self.configuration())
        let replayed = inputs.map { Self.feed($0, into: &first) }
        let again = inputs.map { Self.feed($0, into: &second) }
        #expect(replayed == recorded)
        #expect(again == recorded)
        #expect(first.queueSnapshots(now: Instant(milliseconds: 3_600_000)) == second.queueSnapshots(now: Instant(milliseconds: 3_600_000)))

        // The log covers what it claims to: every kind of input, a backoff, the expiries.
        let actions: [EngineAction] = recorded.flatMap { output -> [EngineAction] in
            if case .actions(let a) = output { return a }
            return []
        }
        let records: [DeliveryRecord] = actions.compactMap { action in
            if case .record(let r) = action { return r }
            return nil
        }
        #expect(inputs.count > 500)
        #expect(records.contains { $0.outcome == .delivered })
        #expect(records.contains { $0.outcome == .bounced })
        #expect(records.contains { $0.outcome == .deferred && $0.diagnostic.contains("421 4.7.0") })
        #expect(actions.contains { if case .controlRemoved(_, .expired) = $0 { true } else { false } })
        #expect(inputs.contains { if case .connectionFailed = $0 { true } else { false } })
        #expect(first.activePersistedThrottles.isEmpty, "the persisted throttle lapsed at 35 minutes")
        let gmailEvents = first.recentEvents.filter { $0.queue.domain == "gmail.com" }.map(\.detail)
        #expect(gmailEvents.contains { $0.contains("backoff") })
    }
}
