import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

extension NodeCore {
    /// How many queued recipients a settings answer samples.
    static let queuedSampleLimit = 20

    /// Applies an operator command (all but `reload`, which is the node's) to the engine and
    /// returns the operator's outcome with the effects. Controls created by a `--persist`
    /// throttle are the override file's, so the spool does not store them.
    ///
    /// - Throws: the engine's ``ControlError`` (unknown queue, bad setting …); nothing changes then.
    mutating func execute(_ command: ControlCommand, context: CommandContext,
                          now: Instant) throws(ControlError) -> (outcome: CommandOutcome, effects: [NodeEffect]) {
        let actions = try engine.apply(command, by: ControlTranslation.request(from: context), now: now)
        var created: [Control] = []
        for case .controlAdded(let control) in actions {
            created.append(control)
            if case .setThrottle(_, _, true) = command { fileBackedControls.insert(control.id) }
        }
        let effects = effects(of: actions, now: now)
        var queued = 0
        if case .hold(let domain) = command {
            queued = engine.queueSnapshots(now: now).filter { $0.key.domain == domain }.reduce(0) { $0 + $1.queued }
        }
        return (CommandOutcome(message: ControlTranslation.message(for: command, queued: queued),
                               control: created.last.map(ControlTranslation.info)), effects)
    }

    /// Applies a command the node issues by itself (the blocklist watch's pause and its end) as
    /// `request`'s, and returns the effects.
    ///
    /// - Throws: the engine's ``ControlError``; nothing changes then.
    mutating func apply(_ command: ControlCommand, request: ControlRequest, now: Instant) throws(ControlError) -> [NodeEffect] {
        effects(of: try engine.apply(command, by: request, now: now), now: now)
    }

    /// What a dry run reads: the recorded replies of the hour before `now` and the pattern list
    /// in force for each of their queues.
    func dryRunInput(now: Instant) -> (replies: [RecordedReply], lists: [QueueKey: SMTPPatternList]) {
        let replies = replyPatterns.recordedReplies(since: now - .hours(1))
        var lists: [QueueKey: SMTPPatternList] = [:]
        for key in Set(replies.map(\.queue)) { lists[key] = engine.patternList(for: key) }
        return (replies, lists)
    }

    /// What a reply rule with `pattern` would have matched among `replies`
    /// (``ReplyRuleDraft/dryRun(_:over:list:)``), against each queue's pattern list in `lists`.
    /// Pure: the node runs it off its actor (tens of thousands of regex matches).
    ///
    /// - Throws: ``ControlError`` `bad-setting` for a pattern ``SluiceConfig/PatternRegex/forLiveUse(_:)`` refuses.
    static func replyRuleDryRun(pattern: String, over replies: [RecordedReply],
                                lists: [QueueKey: SMTPPatternList]) throws(ControlError) -> ReplyRuleDryRunResult {
        let regex: PatternRegex
        do { regex = try PatternRegex.forLiveUse(pattern) } catch { throw ControlError(.badSetting, "pattern: \(error)") }
        let run = ReplyRuleDraft.dryRun(regex, over: replies, list: { lists[$0] })
        return ReplyRuleDryRunResult(
            pattern: pattern, matched: run.matched, examined: run.examined,
            queues: run.queues.map { .init(name: $0.name, count: $0.count, share: $0.share) },
            alreadyMatchedBy: run.alreadyMatchedBy.map { .init(list: $0.list, rule: $0.rule, location: $0.location, count: $0.count) })
    }

    /// The override-file lines a command cancels: for `cancel` of a control set with `--persist`,
    /// its target and directive, to be removed from the file before the command is applied.
    func overrideLines(cancelledBy command: ControlCommand) -> (target: ControlTarget, directive: String)? {
        guard case .cancelControl(let text) = command, let id = ControlCommand.controlNumber(text),
              fileBackedControls.contains(id), let control = engine.activeControls.first(where: { $0.id == id }),
              case .throttle(let target, let directive, _) = control.kind else { return nil }
        return (target, directive)
    }

    /// The effective settings of a queue (live overrides included) or of a domain, with the
    /// queue's delivery history and a sample of its recipients.
    ///
    /// - Throws: ``ControlError`` `unknown-queue` for a queue of an unknown vmta, `usage` for a vmta.
    func settings(for target: ControlTarget, now: Instant) throws(ControlError) -> SettingsSnapshot {
        let key: QueueKey
        switch target {
        case .queue(let queue):
            guard configuration.virtualMTANames.contains(queue.vmta) else {
                throw ControlError(.unknownQueue, "no virtual MTA '\(queue.vmta)' for queue \(queue)")
            }
            key = queue
        case .domain(let domain):
            key = engine.queueKeys.first { $0.domain == domain } ?? QueueKey(domain: domain, vmta: "default")
        case .vmta(let vmta):
            throw ControlError(.usage, "settings are per domain or queue, not per virtual MTA ('\(vmta)')")
        case .job(let job):
            throw ControlError(.usage, "settings are per domain or queue, not per job ('\(job)')")
        }
        return SettingsSnapshot(queue: target.name, settings: engine.settings(for: key),
                                history: deliveredHistory(of: target, now: now),
                                recipients: queuedRecipients(of: target, now: now))
    }

    /// A sample of the target's queued recipients with age, attempts and last reply, oldest
    /// first (the console's Detail view).
    func queuedRecipients(of target: ControlTarget, now: Instant) -> [SettingsSnapshot.QueuedRecipient] {
        let sample: [QueuedRecipientInfo]
        switch target {
        case .queue(let key): sample = engine.queuedSample(of: key, limit: Self.queuedSampleLimit)
        case .domain(let domain): sample = engine.queuedSample(ofDomain: domain, limit: Self.queuedSampleLimit)
        case .vmta, .job: sample = []
        }
        return sample.map {
            SettingsSnapshot.QueuedRecipient(recipient: $0.recipient,
                                             ageS: max(0, Double((now - $0.receivedAt).milliseconds) / 1000),
                                             attempts: $0.attempts, lastReply: $0.lastReply)
        }
    }

    /// Delivered per second over the last five minutes, oldest first: the queue's, or for a
    /// domain (a vmta) the sum of its queues'.
    func deliveredHistory(of target: ControlTarget, now: Instant) -> [Int] {
        let stats: TrafficStats?
        switch target {
        case .queue(let key): stats = engine.snapshot(of: key, now: now)?.stats
        case .domain(let domain): stats = engine.domainStats(domain, now: now)
        case .vmta(let vmta): stats = engine.vmtaStats(vmta, now: now)
        case .job: stats = nil
        }
        return stats?[.delivered].history.map(Int.init) ?? []
    }
}
