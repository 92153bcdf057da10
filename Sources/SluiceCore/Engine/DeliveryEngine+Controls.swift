import SluiceConfig

extension DeliveryEngine {
    /// Applies an operator command now. Lasting controls (hold, pause, throttle override) are
    /// announced with ``EngineAction/controlAdded(_:)`` so they can be persisted, and end with
    /// ``EngineAction/controlRemoved(_:reason:)``; each affects only the queues its target covers.
    /// A throttle change sets one control per directive, after checking them all. `reload` and
    /// the `persist` of a throttle are the node's (see ``reload(_:now:)``): here they change nothing.
    ///
    /// - Throws: ``ControlError`` when the command names an unknown vmta, queue, directive, mode
    ///   or control, or a bad value; nothing changes then.
    public mutating func apply(_ command: ControlCommand, by request: ControlRequest,
                               now: Instant) throws(ControlError) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        let expiresAt = request.duration.map { now + $0 }
        func make(_ kind: ControlKind) -> Control {
            defer { nextControlID += 1 }
            return Control(id: nextControlID, kind: kind, who: request.who, why: request.why,
                           createdAt: now, expiresAt: expiresAt, client: request.client)
        }
        switch command {
        case .hold(let domain):
            let d = domain.lowercased()
            guard !d.isEmpty, !d.contains("/") else { throw .badTarget("hold takes a domain, found '\(domain)'") }
            install(make(.hold(.domain(d))), now: ms, announce: true, into: &actions)
        case .release(let domain):
            let target = ControlTarget.domain(domain.lowercased())
            try removeControls(matching: { $0 == .hold(target) }, describing: "hold \(target)", now: ms, into: &actions)
        case .pause(let target):
            try checkPauseTarget(target)
            install(make(.pause(target.normalized)), now: ms, announce: true, into: &actions)
        case .resume(let target):
            let t = target.normalized
            try removeControls(matching: { $0 == .pause(t) }, describing: "pause \(t)", now: ms, into: &actions)
        case .setMode(let target, let name):
            guard let mode = QueueMode(rawValue: name) else {
                throw ControlError(.usage, "mode must be normal or backoff, not '\(name)'")
            }
            let matched = try matchingQueues(target.normalized)
            for q in matched {
                switchMode(q, to: mode, because: "set by \(request.who)" + (request.why.isEmpty ? "" : ": \(request.why)"), now: ms)
                service(q, now: ms, into: &actions)
            }
        case .setThrottle(let target, let settings, _):
            let t = target.normalized
            if case .vmta = t { throw .badTarget("throttles are overridden per domain or per queue, not per vmta") }
            if case .job = t { throw .badTarget("throttles are overridden per domain or per queue, not per job") }
            var checked: [(DomainDirective, String)] = []
            for setting in settings {
                guard let directive = DomainDirective.named(setting.directive) else {
                    throw .badSetting(.unknownDirective(setting.directive))
                }
                guard directive.isThrottle else { throw .notAThrottle(directive.name) }
                do { try directive.validate(setting.value) } catch { throw .badSetting(.badValue(directive.name, error)) }
                checked.append((directive, setting.value))
            }
            for (directive, value) in checked {
                install(make(.throttle(t, directive: directive.name, value: value)), now: ms, announce: true, into: &actions)
            }
        case .addReplyRule(let target, let pattern, let ruleActions):
            let t = target.normalized
            switch t {
            case .vmta, .job: throw .badTarget("reply rules apply to a domain or a queue, not \(t)")
            case .queue(let key):
                guard queueIndex[key] != nil || configuration.virtualMTANames.contains(key.vmta) else {
                    throw .unknownQueue(key.description)
                }
            case .domain: break
            }
            _ = try LiveReplyRule.compile(pattern: pattern, actions: ruleActions)
            install(make(.replyRule(t, pattern: pattern, actions: ruleActions)), now: ms, announce: true, into: &actions)
        case .schedule(let target):
            for q in try matchingQueues(target.normalized) {
                var slots: [UInt32] = []
                while let entry = queues[Int(q)].waiting.popMin() { slots.append(entry.index) }
                for slot in slots { wake(slot, queue: q, dueBy: .max, now: ms, into: &actions) }
                queues[Int(q)].connectRetryAt = .min
                queues[Int(q)].connectFailures = 0
                service(q, now: ms, into: &actions)
            }
        case .delete(let target, let asBounces):
            let why = "deleted by \(request.who)" + (request.why.isEmpty ? "" : ": \(request.why)")
            if case .job(let job) = target {
                try deleteJob(job, asBounces: asBounces, diagnostic: asBounces ? "550 5.0.0 \(why)" : why, now: ms,
                              into: &actions)
            }
            for q in target.jobID == nil ? try matchingQueues(target.normalized) : [] {
                deleteQueued(q, asBounces: asBounces, diagnostic: asBounces ? "550 5.0.0 \(why)" : why,
                             now: ms, into: &actions)
                service(q, now: ms, into: &actions)
            }
        case .cancelControl(let text):
            guard let id = ControlCommand.controlNumber(text) else {
                throw ControlError(.unknownControl, "no active control '\(text)'")
            }
            guard let control = controls.first(where: { $0.id == id }) else { throw .unknownControl(id) }
            remove(control, reason: .released, now: ms, into: &actions)
        case .reload:
            break
        }
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The active controls, oldest first.
    public var activeControls: [Control] { controls }

    func checkPauseTarget(_ target: ControlTarget) throws(ControlError) {
        switch target {
        case .domain: throw .badTarget("a domain is held, not paused: use hold")
        case .vmta(let v):
            guard configuration.virtualMTANames.contains(v) || queues.contains(where: { $0.key.vmta == v }) else {
                throw .unknownVirtualMTA(v)
            }
        case .queue(let key):
            guard queueIndex[key] != nil || configuration.virtualMTANames.contains(key.vmta) else {
                throw .unknownQueue(key.description)
            }
        case .job:
            // A job may be paused before its first message arrives (a campaign about to start).
            break
        }
    }

    func matchingQueues(_ target: ControlTarget) throws(ControlError) -> [UInt32] {
        if case .job(let job) = target { throw .badTarget("a job is paused, resumed or deleted, not '\(job)' as a queue") }
        let matched = queues.indices.filter { target.covers(queues[$0].key) }.map { UInt32($0) }
        guard !matched.isEmpty else { throw .unknownQueue(target.description) }
        return matched
    }

    /// Adds a control (replacing one of the same kind and target) and applies it to its queues.
    mutating func install(_ control: Control, now: Int64, announce: Bool, into actions: inout [EngineAction]) {
        for old in controls where control.kind.replaces(old.kind) {
            controls.removeAll { $0.id == old.id }
            actions.append(.controlRemoved(old, reason: .replaced))
        }
        controls.append(control)
        if announce { actions.append(.controlAdded(control)) }
        noteControl(control, verb: "added", now: now)
        reapply(control.kind.target, now: now, into: &actions)
    }

    mutating func removeControls(matching predicate: (ControlKind) -> Bool, describing what: String, now: Int64,
                                 into actions: inout [EngineAction]) throws(ControlError) {
        let matched = controls.filter { predicate($0.kind) }
        guard !matched.isEmpty else { throw .badTarget("no active \(what)") }
        for control in matched { remove(control, reason: .released, now: now, into: &actions) }
    }

    mutating func remove(_ control: Control, reason: ControlRemoval, now: Int64, into actions: inout [EngineAction]) {
        controls.removeAll { $0.id == control.id }
        actions.append(.controlRemoved(control, reason: reason))
        noteControl(control, verb: reason.rawValue, now: now)
        reapply(control.kind.target, now: now, into: &actions)
    }

    /// Ends controls and persisted throttles whose expiry has passed.
    mutating func expireControls(now: Instant, into actions: inout [EngineAction]) {
        let due = controls.filter { $0.expiresAt.map { $0 <= now } ?? false }
        for control in due { remove(control, reason: .expired, now: now.milliseconds, into: &actions) }
        let lapsed = persistedThrottles.filter { $0.hasLapsed(at: now) }
        guard !lapsed.isEmpty else { return }
        persistedThrottles.removeAll { $0.hasLapsed(at: now) }
        for throttle in lapsed {
            notePersisted(throttle, verb: "expired", now: now)
            reapply(throttle.target, now: now.milliseconds, into: &actions)
        }
    }

    /// Replaces the override file's throttles (read at start, after `set throttle --persist`,
    /// a cancel or a reload). Those already lapsed at `now` are left out; the queues the old or
    /// new ones cover are refreshed and serviced.
    public mutating func setPersistedThrottles(_ throttles: [PersistedThrottle], now: Instant) -> [EngineAction] {
        var actions: [EngineAction] = []
        let ms = now.milliseconds
        expireControls(now: now, into: &actions)
        let current = throttles.filter { !$0.hasLapsed(at: now) }
        let removed = persistedThrottles.filter { !current.contains($0) }
        let added = current.filter { !persistedThrottles.contains($0) }
        persistedThrottles = current
        for throttle in removed { notePersisted(throttle, verb: "removed", now: now) }
        for throttle in added { notePersisted(throttle, verb: "added", now: now) }
        for target in Set((removed + added).map(\.target)) { reapply(target, now: ms, into: &actions) }
        finishInput(now: ms, into: &actions)
        return actions
    }

    /// The override file's throttles in force, in file order.
    public var activePersistedThrottles: [PersistedThrottle] { persistedThrottles }

    mutating func notePersisted(_ throttle: PersistedThrottle, verb: String, now: Instant) {
        for q in queues.indices where throttle.target.covers(queues[q].key) {
            queueInfo[q].events.push(EngineEvent(
                time: now, kind: .control, queue: queues[q].key,
                detail: "\(verb): persisted throttle \(throttle.target) \(throttle.directive)=\(throttle.value) (\(throttle.location))"))
        }
    }

    /// Recomputes the settings and hold/pause state of the target's queues and services them
    /// (for a job: whether it is paused).
    mutating func reapply(_ target: ControlTarget, now: Int64, into actions: inout [EngineAction]) {
        if case .job(let job) = target {
            reapplyJobPause(job, now: now, into: &actions)
            return
        }
        for q in queues.indices where target.covers(queues[q].key) {
            refresh(UInt32(q))
            service(UInt32(q), now: now, into: &actions)
        }
    }

    mutating func noteControl(_ control: Control, verb: String, now: Int64) {
        let time = Instant(milliseconds: now)
        for q in queues.indices where control.kind.target.covers(queues[q].key) {
            queueInfo[q].events.push(EngineEvent(time: time, kind: .control, queue: queues[q].key,
                                              detail: "\(verb): \(control)"))
        }
    }
}
