import SluiceConfig

/// The points of an SMTP conversation where a profile can act.
public enum SMTPStage: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The greeting, right after the client connects.
    case connect
    /// The reply to EHLO or HELO.
    case ehlo
    /// The reply to MAIL FROM.
    case mail
    /// The reply to RCPT TO.
    case rcpt
    /// The reply after the message content (the final `.`).
    case data

    /// The stage's name as profiles write it.
    public var description: String { rawValue }
}

/// How a simulated provider behaves: parsed from a `.profile` data file (see docs/sandbox.md).
public struct SandboxProfile: Hashable, Sendable {
    /// The profile's name (the file name without `.profile`).
    public var name: String
    /// The host name the receiver announces.
    public var hostname: String
    /// The 220 greeting.
    public var greeting: ReplyTemplate
    /// The per-source-IP rate limit, if any.
    public var rateLimit: RateLimitRule?
    /// The share of addresses that do not exist, if any.
    public var unknownUsers: ShareRule?
    /// The shares of mailboxes that are full, transiently (452) and/or permanently (552).
    public var mailboxFull: [MailboxFullRule]
    /// Greylisting of new (source IP, sender, recipient) triplets, if any.
    public var greylist: GreylistRule?
    /// The share of messages refused for policy reasons at the end of DATA, if any.
    public var rejectMessage: ShareRule?
    /// Artificial delays before replying, by stage.
    public var slowReplies: [SMTPStage: DelayRange]
    /// Scripted incidents, in file order.
    public var incidents: [Incident]

    /// Creates a profile that accepts everything, to be refined field by field.
    public init(name: String, hostname: String, greeting: ReplyTemplate) {
        self.name = name
        self.hostname = hostname
        self.greeting = greeting
        self.mailboxFull = []
        self.slowReplies = [:]
        self.incidents = []
    }
}

/// `rate-limit per-source-ip RATE [burst N] [at STAGE] reply "…"`: a GCRA limit per client IP.
public struct RateLimitRule: Hashable, Sendable {
    /// The sustained rate.
    public var rate: Rate
    /// How many events may arrive at once (GCRA's burst; at least 1).
    public var burst: Int
    /// The stage whose events are counted and refused (mail: one per transaction).
    public var stage: SMTPStage
    /// The reply beyond the limit (a 421 also closes the connection).
    public var reply: ReplyTemplate

    /// Creates a rule.
    public init(rate: Rate, burst: Int, stage: SMTPStage, reply: ReplyTemplate) {
        self.rate = rate
        self.burst = max(1, burst)
        self.stage = stage
        self.reply = reply
    }
}

/// A behaviour that applies to a fixed share of addresses or messages, with its reply.
public struct ShareRule: Hashable, Sendable {
    /// The share affected.
    public var share: Share
    /// The reply they get.
    public var reply: ReplyTemplate

    /// Creates a rule.
    public init(share: Share, reply: ReplyTemplate) {
        self.share = share
        self.reply = reply
    }
}

/// `mailbox-full P% transient|permanent [reply "…"]`.
public struct MailboxFullRule: Hashable, Sendable {
    /// The share of mailboxes that are full in this way.
    public var share: Share
    /// True for 552 5.2.2 (give up), false for 452 4.2.2 (try later).
    public var permanent: Bool
    /// The reply.
    public var reply: ReplyTemplate

    /// Creates a rule.
    public init(share: Share, permanent: Bool, reply: ReplyTemplate) {
        self.share = share
        self.permanent = permanent
        self.reply = reply
    }
}

/// `greylist P% [min-wait SPAN] [reply "…"]`: the first attempt of a new triplet is deferred, and
/// so is any retry sooner than `minimumWait` after it.
public struct GreylistRule: Hashable, Sendable {
    /// The share of triplets subject to greylisting.
    public var share: Share
    /// How long after the first attempt a retry passes.
    public var minimumWait: TimeSpan
    /// The deferral reply.
    public var reply: ReplyTemplate

    /// Creates a rule.
    public init(share: Share, minimumWait: TimeSpan, reply: ReplyTemplate) {
        self.share = share
        self.minimumWait = minimumWait
        self.reply = reply
    }
}

/// A delay drawn uniformly from `minimum...maximum`, e.g. `200ms..800ms`.
public struct DelayRange: Hashable, Sendable, CustomStringConvertible {
    /// The shortest delay.
    public var minimum: TimeSpan
    /// The longest delay.
    public var maximum: TimeSpan

    /// Creates a range; the bounds are swapped if given in the wrong order.
    public init(_ minimum: TimeSpan, _ maximum: TimeSpan) {
        self.minimum = Swift.min(minimum, maximum)
        self.maximum = Swift.max(minimum, maximum)
    }

    /// Parses `200ms..800ms` or a single duration.
    public init(parsing text: String) throws(ValueError) {
        let error = ValueError(expected: "a delay such as 200ms or 200ms..800ms", found: text)
        let parts = text.components(separatedBy: "..")
        guard (1...2).contains(parts.count),
              let low = try? TimeSpan(parsing: parts[0]),
              let high = try? TimeSpan(parsing: parts[parts.count - 1]) else { throw error }
        self.init(low, high)
    }

    /// `200ms..800ms`, or one duration when both bounds agree.
    public var description: String { minimum == maximum ? minimum.description : "\(minimum)..\(maximum)" }
}

/// `<incident START-END [every PERIOD]>`: a window of time, relative to the receiver's start,
/// during which the receiver misbehaves as its actions say.
public struct Incident: Hashable, Sendable {
    /// When the window opens, after the receiver starts.
    public var start: TimeSpan
    /// When it closes (exclusive).
    public var end: TimeSpan
    /// If set, the window repeats with this period (`every 2m`).
    public var period: TimeSpan?
    /// What happens during the window.
    public var actions: [IncidentAction]

    /// Creates an incident.
    public init(start: TimeSpan, end: TimeSpan, period: TimeSpan? = nil, actions: [IncidentAction]) {
        self.start = start
        self.end = end
        self.period = period
        self.actions = actions
    }

    /// True when `elapsed` (time since the receiver started) is inside the window.
    public func isActive(after elapsed: TimeSpan) -> Bool {
        guard elapsed >= start else { return false }
        let length = end.milliseconds - start.milliseconds
        guard let period, period.milliseconds > 0 else { return elapsed < end }
        return (elapsed.milliseconds - start.milliseconds) % period.milliseconds < length
    }
}

/// One thing an incident does: `defer-connection [P%] reply "…"` (answer the connection with the
/// reply instead of the greeting) or `defer-mail [P%] reply "…"` (answer MAIL FROM with it).
public struct IncidentAction: Hashable, Sendable {
    /// `connect` or `mail`.
    public var stage: SMTPStage
    /// The share of connections or transactions affected.
    public var share: Share
    /// The reply.
    public var reply: ReplyTemplate

    /// Creates an action.
    public init(stage: SMTPStage, share: Share, reply: ReplyTemplate) {
        self.stage = stage
        self.share = share
        self.reply = reply
    }
}
