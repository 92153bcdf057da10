import SluiceConfig
import SluiceBase

/// A simulated provider's receiving side as a pure state machine: it answers SMTP events according
/// to a ``SandboxProfile``, deterministically under a seed, and keeps the state shared between
/// connections (per-IP rate limits, the greylist, statistics).
///
/// The server layer owns the sockets: it calls ``connect(from:at:)`` when a client connects and
/// ``handle(_:in:at:)`` for each command, then performs the returned ``SandboxAction`` (wait, send,
/// maybe close). Connections served in parallel share one behaviour (behind a lock or an actor).
public struct SandboxBehaviour: Sendable {
    /// The profile in force.
    public let profile: SandboxProfile
    /// The seed of every random decision.
    public let seed: UInt64
    /// When the receiver started; incident windows count from here.
    public let startedAt: Instant
    /// Counters since the start.
    public private(set) var stats = SandboxStats()

    private var limiter: SourceRateLimiter?
    private var greylistMemory = GreylistMemory()
    private var sessionCount = 0
    /// Sources refused at MAIL with the reply given (``refuseSource(_:naming:)``).
    private var refusedSources: [IPAddress: SMTPReply] = [:]

    /// The size the receiver advertises in EHLO (`SIZE`), in bytes.
    public static let maximumMessageSize = 52_428_800
    /// Recipients accepted per transaction before 452 4.5.3.
    public static let maximumRecipients = 100

    /// Salts that keep the per-address decisions independent of each other.
    private enum Salt {
        static let unknownUser: UInt64 = 0x756E_6B6E_6F77_6E00
        static let mailboxFull: UInt64 = 0x6D62_6F78_6675_6C6C
        static let greylist: UInt64 = 0x6772_6579_6C69_7374
        static let transaction: UInt64 = 0x7472_616E_7361_6374
    }

    /// Creates a receiver behaving as `profile`, started at `startedAt`.
    public init(profile: SandboxProfile, seed: UInt64, startedAt: Instant) {
        self.profile = profile
        self.seed = seed
        self.startedAt = startedAt
        if let rule = profile.rateLimit {
            limiter = SourceRateLimiter(rate: rule.rate, burst: rule.burst, origin: startedAt)
        }
    }

    // MARK: - Per-address decisions (stable across connections and runs)

    /// True when `address` is one of the profile's nonexistent mailboxes.
    public func isUnknownUser(_ address: String) -> Bool {
        guard let rule = profile.unknownUsers else { return false }
        return rule.share.admits(StableHash.of([address.lowercased()], seed: seed, salt: Salt.unknownUser))
    }

    /// The full-mailbox rule that applies to `address`, if any (the shares are disjoint).
    public func mailboxFullRule(for address: String) -> MailboxFullRule? {
        let bits = StableHash.of([address.lowercased()], seed: seed, salt: Salt.mailboxFull)
        let bucket = bits.multipliedFullWidth(by: 1_000_000).high
        var floor: UInt64 = 0
        for rule in profile.mailboxFull {
            if bucket < floor + rule.share.partsPerMillion { return rule }
            floor += rule.share.partsPerMillion
        }
        return nil
    }

    /// Which incident actions are in force `now`.
    public func activeIncidentActions(at now: Instant) -> [IncidentAction] {
        let elapsed = now - startedAt
        return profile.incidents.filter { $0.isActive(after: elapsed) }.flatMap(\.actions)
    }

    // MARK: - Events

    /// A client connected from `source`: the new session and the greeting (or the refusal).
    public mutating func connect(from source: IPAddress, at now: Instant) -> (SandboxSession, SandboxAction) {
        sessionCount += 1
        stats.connections += 1
        var session = SandboxSession(serial: sessionCount, source: source, seed: seed)
        var action = greet(&session, at: now)
        action.delay = delay(for: .connect, in: &session)
        if action.close { session.phase = .closed }
        stats.record(action.outcome)
        return (session, action)
    }

    /// The client sent `command` on `session`: the reply to send.
    public mutating func handle(_ command: SandboxCommand, in session: inout SandboxSession, at now: Instant) -> SandboxAction {
        guard !session.isClosed else {
            return SandboxAction(reply: SMTPReply(421, "4.3.2", "\(profile.hostname) closing connection"), close: true)
        }
        var action: SandboxAction
        var stage: SMTPStage?
        switch command {
        case .hello(let name, let extended):
            stage = .ehlo
            action = hello(name, extended: extended, in: &session)
        case .mail(let sender):
            stage = .mail
            action = mail(from: sender, in: &session, at: now)
        case .recipient(let address):
            stage = .rcpt
            action = recipient(address, in: &session, at: now)
        case .data:
            action = data(in: &session)
        case .endOfData(let size):
            stage = .data
            action = endOfData(size: size, in: &session, at: now)
        case .reset:
            session.resetTransaction()
            if session.phase != .greeted { session.phase = .ready }
            action = ok("2.0.0", "Flushed")
        case .noop:
            action = ok("2.0.0", "OK")
        case .quit:
            action = SandboxAction(reply: SMTPReply(221, "2.0.0", "\(profile.hostname) closing connection"))
        case .unrecognized:
            action = refuse(500, "5.5.2", "Syntax error, command unrecognized", .protocolError)
        case .malformed(let reply):
            action = refuse(reply, .protocolError)
        }
        if let stage { action.delay = delay(for: stage, in: &session) }
        if action.close { session.phase = .closed }
        stats.record(action.outcome)
        return action
    }

    // MARK: - Stages

    private mutating func greet(_ session: inout SandboxSession, at now: Instant) -> SandboxAction {
        let context = self.context(session)
        for action in activeIncidentActions(at: now) where action.stage == .connect && session.random.chance(action.share) {
            return SandboxAction(reply: action.reply.render(context), close: true, outcome: .deferred(.incident))
        }
        if let rule = rateLimited(at: .connect, source: session.source, now: now) {
            return SandboxAction(reply: rule.reply.render(context), close: true, outcome: .deferred(.rateLimit))
        }
        return SandboxAction(reply: profile.greeting.render(context))
    }

    private func hello(_ name: String, extended: Bool, in session: inout SandboxSession) -> SandboxAction {
        guard !name.isEmpty else {
            return refuse(501, "5.5.4", "\(extended ? "EHLO" : "HELO") requires a domain name", .protocolError)
        }
        session.resetTransaction()
        session.phase = .ready
        let first = "\(profile.hostname) at your service, [\(session.source)]"
        guard extended else { return SandboxAction(reply: SMTPReply(250, nil, first)) }
        let lines = [first, "SIZE \(SandboxBehaviour.maximumMessageSize)", "8BITMIME", "PIPELINING", "ENHANCEDSTATUSCODES"]
        return SandboxAction(reply: SMTPReply(code: 250, lines: lines))
    }

    /// From now on, refuses mail from `source` at MAIL with the `550 5.7.1` a provider gives an
    /// address a DNS blocklist lists, naming `blocklist` (the demo's listing part-way).
    public mutating func refuseSource(_ source: IPAddress, naming blocklist: String) {
        refusedSources[source] = SMTPReply(550, "5.7.1", "[\(source)] The IP you're using to send mail is listed on "
                                                  + "\(blocklist); mail from it is refused. \(profile.hostname)")
    }

    /// From now on, defers mail from `source` at MAIL with the `421 4.7.28` Gmail gives an
    /// address sending at an unusual rate (the demo's one deferred vmta).
    public mutating func deferSource(_ source: IPAddress) {
        refusedSources[source] = SMTPReply(421, "4.7.28", "[\(source)] Our system has detected an unusual rate of unsolicited mail "
                                                  + "originating from your IP address. To protect our users from spam, mail sent from "
                                                  + "your IP address has been temporarily rate limited. \(profile.hostname)")
    }

    private mutating func mail(from sender: String, in session: inout SandboxSession, at now: Instant) -> SandboxAction {
        switch session.phase {
        case .greeted: return refuse(503, "5.5.1", "EHLO/HELO first", .protocolError)
        case .transaction, .receivingContent: return refuse(503, "5.5.1", "Sender already specified", .protocolError)
        case .ready, .closed: break
        }
        session.transactions += 1
        session.sender = sender
        if let reply = refusedSources[session.source] {
            session.resetTransaction()
            return refuse(reply, .policy)
        }
        let context = self.context(session)
        for action in activeIncidentActions(at: now) where action.stage == .mail && session.random.chance(action.share) {
            session.resetTransaction()
            return SandboxAction(reply: action.reply.render(context), outcome: .deferred(.incident))
        }
        if let rule = rateLimited(at: .mail, source: session.source, now: now) {
            session.resetTransaction()
            return SandboxAction(reply: rule.reply.render(context), outcome: .deferred(.rateLimit))
        }
        session.phase = .transaction
        return ok("2.1.0", "OK")
    }

    private mutating func recipient(_ address: String, in session: inout SandboxSession, at now: Instant) -> SandboxAction {
        guard session.phase == .transaction else {
            return refuse(503, "5.5.1", "MAIL FROM first", .protocolError)
        }
        guard address.contains("@") else {
            return refuse(501, "5.1.3", "Bad recipient address syntax", .protocolError)
        }
        guard session.recipients.count < SandboxBehaviour.maximumRecipients else {
            return SandboxAction(reply: SMTPReply(452, "4.5.3", "Too many recipients"),
                                 outcome: .deferred(.policy))
        }
        var context = self.context(session)
        context.recipient = address
        if let rule = rateLimited(at: .rcpt, source: session.source, now: now) {
            return SandboxAction(reply: rule.reply.render(context), outcome: .deferred(.rateLimit))
        }
        if let rule = profile.unknownUsers, isUnknownUser(address) {
            return SandboxAction(reply: rule.reply.render(context), outcome: .rejected(.unknownUser))
        }
        if let rule = profile.greylist, isGreylisted(session: session, recipient: address, rule: rule, at: now) {
            return SandboxAction(reply: rule.reply.render(context), outcome: .deferred(.greylist))
        }
        if let rule = mailboxFullRule(for: address) {
            let reply = rule.reply.render(context)
            return SandboxAction(reply: reply, outcome: rule.permanent ? .rejected(.mailboxFull) : .deferred(.mailboxFull))
        }
        session.recipients.append(address)
        return ok("2.1.5", "OK")
    }

    private func data(in session: inout SandboxSession) -> SandboxAction {
        guard session.phase == .transaction else {
            return refuse(503, "5.5.1", "MAIL FROM first", .protocolError)
        }
        guard !session.recipients.isEmpty else {
            return refuse(554, "5.5.1", "No valid recipients", .protocolError)
        }
        session.phase = .receivingContent
        return SandboxAction(reply: SMTPReply(354, nil, "Go ahead"))
    }

    private mutating func endOfData(size: Int, in session: inout SandboxSession, at now: Instant) -> SandboxAction {
        guard session.phase == .receivingContent else {
            return refuse(503, "5.5.1", "DATA first", .protocolError)
        }
        let context = self.context(session)
        let recipients = session.recipients
        session.resetTransaction()
        session.phase = .ready
        guard size <= SandboxBehaviour.maximumMessageSize else {
            return SandboxAction(reply: SMTPReply(552, "5.3.4", "Message size exceeds fixed maximum message size"),
                                 outcome: .rejected(.policy))
        }
        if let rule = rateLimited(at: .data, source: session.source, now: now) {
            return SandboxAction(reply: rule.reply.render(context), outcome: .deferred(.rateLimit))
        }
        if let rule = profile.rejectMessage, session.random.chance(rule.share) {
            return SandboxAction(reply: rule.reply.render(context), outcome: .rejected(.policy))
        }
        stats.messagesAccepted += 1
        stats.recipientsAccepted += recipients.count
        stats.bytesAccepted += max(0, size)
        return SandboxAction(reply: SMTPReply(250, "2.0.0", "OK \(context.id)"), outcome: .accepted)
    }

    // MARK: - Helpers

    /// The rate-limit rule when `stage` is the limited stage and `source` is over the limit.
    private mutating func rateLimited(at stage: SMTPStage, source: IPAddress, now: Instant) -> RateLimitRule? {
        guard let rule = profile.rateLimit, rule.stage == stage else { return nil }
        let admitted = limiter?.admit(source, at: now) ?? true
        return admitted ? nil : rule
    }

    private mutating func isGreylisted(session: SandboxSession, recipient: String, rule: GreylistRule, at now: Instant) -> Bool {
        let sender = session.sender.lowercased(), recipient = recipient.lowercased()
        let bits = StableHash.of([session.source.description, sender, recipient], seed: seed, salt: Salt.greylist)
        guard rule.share.admits(bits) else { return false }
        let triplet = GreylistMemory.Triplet(source: session.source, sender: sender, recipient: recipient)
        return greylistMemory.defers(triplet, minimumWait: rule.minimumWait, at: now)
    }

    private func delay(for stage: SMTPStage, in session: inout SandboxSession) -> TimeSpan {
        guard let range = profile.slowReplies[stage] else { return TimeSpan(milliseconds: 0) }
        return TimeSpan(milliseconds: session.random.next(in: range.minimum.milliseconds...range.maximum.milliseconds))
    }

    /// A 12-hex-digit id for the session's current transaction, stable under the seed.
    private func transactionID(_ session: SandboxSession) -> String {
        let bits = StableHash.of([String(session.serial), String(session.transactions)], seed: seed, salt: Salt.transaction)
        let hex = String(bits >> 16, radix: 16)
        return String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    private func context(_ session: SandboxSession) -> ReplyContext {
        ReplyContext(ip: session.source.description, host: profile.hostname, sender: session.sender, id: transactionID(session))
    }

    private func ok(_ enhanced: String, _ text: String) -> SandboxAction {
        SandboxAction(reply: SMTPReply(250, enhanced, text))
    }

    private func refuse(_ code: Int, _ enhanced: String, _ text: String, _ reason: SandboxReason) -> SandboxAction {
        refuse(SMTPReply(code, enhanced, text), reason)
    }

    private func refuse(_ reply: SMTPReply, _ reason: SandboxReason) -> SandboxAction {
        SandboxAction(reply: reply, outcome: reply.code >= 500 ? .rejected(reason) : .deferred(reason))
    }
}
