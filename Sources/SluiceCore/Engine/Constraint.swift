import SluiceConfig

/// Why a queue is not sending faster right now.
public enum Constraint: Hashable, Sendable, CustomStringConvertible {
    /// Its domain is held.
    case held(Control)
    /// Its vmta or the queue is paused.
    case paused(Control)
    /// `disable-source-ip` has disabled every source address of its vmta for its domain; it waits
    /// for the first to be enabled again (the disablement that ends first).
    case sourcesDisabled(DisabledSource)
    /// It is in backoff mode (the backoff-* throttles apply).
    case backoff(since: Instant)
    /// A rate or cap allows no message now: the directive, its value and where it was set.
    case rateLimited(directive: String, value: String, origin: Origin)
    /// Every allowed connection is busy: the directive, its value and where it was set.
    case connectionLimited(directive: String, value: String, origin: Origin)
    /// Its recipients wait for their next retry (or the queue for its next connection attempt).
    case retryWait(until: Instant)
    /// Nothing is queued.
    case empty
    /// The remote side is failing; the last reply.
    case remoteErrors(String)

    /// `rate-limited: max-msg-rate 50/s (file.conf:41)`, `held by console: complaints`, ….
    public var description: String {
        switch self {
        case .held(let c): return "held by \(c.who)" + (c.why.isEmpty ? "" : ": \(c.why)")
        case .paused(let c): return "paused by \(c.who)" + (c.why.isEmpty ? "" : ": \(c.why)")
        case .sourcesDisabled(let d):
            return "source \(d.sourceLabel) disabled until \(d.until.timeOfDayUTC): \(d.reply)"
        case .backoff(let since): return "backoff since \(since.timeOfDayUTC)"
        case .rateLimited(let d, let v, let o): return "rate-limited: \(d) \(v) (\(o))"
        case .connectionLimited(let d, let v, let o): return "connection-limited: \(d) \(v) (\(o))"
        case .retryWait(let until): return "retry-wait until \(until.timeOfDayUTC)"
        case .empty: return "empty"
        case .remoteErrors(let reply): return "remote errors: \(reply)"
        }
    }
}

extension DeliveryEngine {
    /// Why the queue is not sending faster at `now`, most important first; empty when it sends
    /// as fast as its work allows.
    func constraints(_ q: UInt32, now: Int64) -> [Constraint] {
        let queue = queues[Int(q)], info = queueInfo[Int(q)], settings = info.settings
        var out: [Constraint] = []
        if let c = info.held { out.append(.held(c)) }
        if let c = info.paused { out.append(.paused(c)) }
        if queue.allSourcesDisabled, let first = info.disabledSources.values.min(by: { $0.until < $1.until }) {
            out.append(.sourcesDisabled(first))
        }
        if queue.mode == .backoff { out.append(.backoff(since: Instant(milliseconds: queue.backoffSince))) }
        if queue.queued + queue.inFlight == 0 { return out + [.empty] }
        if queue.ready.isEmpty {
            if let due = queue.waiting.min?.time {
                out.append(.retryWait(until: Instant(milliseconds: due)))
                if let e = info.lastError { out.append(.remoteErrors(e)) }
            }
            return out
        }
        if queue.connectRetryAt > now {
            out.append(.retryWait(until: Instant(milliseconds: queue.connectRetryAt)))
            if let e = info.lastError { out.append(.remoteErrors(e)) }
        }
        if let interval = queue.messageInterval,
           !queue.messageRate.allows(nowMs: now, interval: interval, burst: tuning.messageRateBurst) {
            let (name, rate) = queue.usesBackoffRate
                ? ("backoff-max-msg-rate", settings.backoffMaxMsgRate) : ("max-msg-rate", settings.maxMsgRate)
            out.append(.rateLimited(directive: name, value: rate.value.description, origin: rate.origin))
        }
        if queue.shared, queue.needsGrants, queue.quota.grants(now: now) == 0 {
            let (name, rate) = queue.usesBackoffRate
                ? ("backoff-max-msg-rate", settings.backoffMaxMsgRate) : ("max-msg-rate", settings.maxMsgRate)
            out.append(.rateLimited(directive: name, value: "\(rate.value) fleet-wide, waiting for a grant", origin: rate.origin))
        }
        if let cap = queue.capReached(now: now) {
            let value = cap.directive == "max-msg-per-hour" ? settings.maxMsgPerHour : settings.maxMsgPerDay
            out.append(.rateLimited(directive: cap.directive, value: String(value.value), origin: value.origin))
        }
        if let cap = warmupCap(q, now: now), let progress = warmup.progress[queue.key.vmta],
           let schedule = warmup.schedules[queue.key.vmta] {
            out.append(.rateLimited(directive: "warmup-schedule \(schedule.name)",
                                    value: "\(cap.limit) (day \(progress.step) of \(schedule.stepCount))",
                                    origin: .config(schedule.location)))
        }
        if queue.idle.isEmpty, queue.open >= queue.connectionLimit {
            let (name, limit) = queue.usesBackoffSmtpOut
                ? ("backoff-max-smtp-out", settings.backoffMaxSmtpOut)
                : queue.limits.perIPLimits ? ("max-smtp-out-per-ip", settings.maxSmtpOutPerIP)
                : ("max-smtp-out", settings.maxSmtpOut)
            let value = queue.shared ? "\(limit.value) fleet-wide, \(queue.quota.leases) leased here" : String(limit.value)
            out.append(.connectionLimited(directive: name, value: value, origin: limit.origin))
        } else if queue.waitingForSlot {
            out.append(.connectionLimited(directive: "total-max-smtp-out", value: String(tuning.maxTotalConnections),
                                          origin: .builtin))
        }
        if queue.idle.isEmpty, let interval = queue.limits.connectInterval,
           !queue.connectRate.allows(nowMs: now, interval: interval, burst: 1) {
            let rate = settings.maxConnectRate
            out.append(.rateLimited(directive: "max-connect-rate", value: rate.value.description, origin: rate.origin))
        }
        return out
    }
}
