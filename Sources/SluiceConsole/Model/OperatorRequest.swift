import SluiceConfig
import SluiceControlProtocol
import SluiceBase

/// An operator action the console asks the control plane to perform. Every case carries the
/// operator's reason; the control plane adds who and when.
public enum OperatorRequest: Hashable, Sendable {
    /// Hold every queue of a domain.
    case holdDomain(domain: String, reason: String, ttl: TimeSpan?)
    /// Release a held domain.
    case releaseDomain(domain: String, reason: String)
    /// Pause a virtual MTA.
    case pauseVMTA(name: String, reason: String, ttl: TimeSpan?)
    /// Resume a paused virtual MTA.
    case resumeVMTA(name: String, reason: String)
    /// Pause one queue, `domain/vmta`.
    case pauseQueue(queue: String, reason: String, ttl: TimeSpan?)
    /// Resume a paused queue.
    case resumeQueue(queue: String, reason: String)
    /// Pause a job's mail in every queue.
    case pauseJob(job: String, reason: String, ttl: TimeSpan?)
    /// Resume a paused job.
    case resumeJob(job: String, reason: String)
    /// Delete a job's queued recipients in every queue, optionally returning DSNs (bounces).
    case deleteJob(job: String, bounce: Bool, reason: String)
    /// Force a domain or queue into backoff or back to normal mode.
    case setMode(target: String, mode: QueueMode, reason: String)
    /// Override throttle directives of a domain or queue.
    case setThrottle(target: String, settings: [ThrottleSetting], ttl: TimeSpan?, persist: Bool, reason: String)
    /// Retry a domain's or queue's recipients now.
    case schedule(target: String, reason: String)
    /// Delete every recipient of a domain or queue, optionally returning DSNs (bounces).
    case deleteQueue(target: String, bounce: Bool, reason: String)
    /// Add a reply rule to a domain's or queue's pattern list, tried before the configured rules.
    case addReplyRule(target: String, pattern: String, actions: String, ttl: TimeSpan?, reason: String)
    /// Cancel an active control (undo).
    case cancelControl(id: String, reason: String)

    /// The reason carried by the request.
    public var reason: String {
        switch self {
        case .holdDomain(_, let r, _), .releaseDomain(_, let r), .pauseVMTA(_, let r, _), .resumeVMTA(_, let r),
             .pauseQueue(_, let r, _), .resumeQueue(_, let r), .pauseJob(_, let r, _), .resumeJob(_, let r),
             .deleteJob(_, _, let r), .setMode(_, _, let r), .setThrottle(_, _, _, _, let r),
             .schedule(_, let r), .deleteQueue(_, _, let r), .addReplyRule(_, _, _, _, let r), .cancelControl(_, let r):
            r
        }
    }

    /// The same request with another reason.
    public func with(reason: String) -> OperatorRequest {
        switch self {
        case .holdDomain(let d, _, let t): .holdDomain(domain: d, reason: reason, ttl: t)
        case .releaseDomain(let d, _): .releaseDomain(domain: d, reason: reason)
        case .pauseVMTA(let n, _, let t): .pauseVMTA(name: n, reason: reason, ttl: t)
        case .resumeVMTA(let n, _): .resumeVMTA(name: n, reason: reason)
        case .pauseQueue(let q, _, let t): .pauseQueue(queue: q, reason: reason, ttl: t)
        case .resumeQueue(let q, _): .resumeQueue(queue: q, reason: reason)
        case .pauseJob(let j, _, let t): .pauseJob(job: j, reason: reason, ttl: t)
        case .resumeJob(let j, _): .resumeJob(job: j, reason: reason)
        case .deleteJob(let j, let b, _): .deleteJob(job: j, bounce: b, reason: reason)
        case .setMode(let t, let m, _): .setMode(target: t, mode: m, reason: reason)
        case .setThrottle(let t, let s, let ttl, let p, _): .setThrottle(target: t, settings: s, ttl: ttl, persist: p, reason: reason)
        case .schedule(let t, _): .schedule(target: t, reason: reason)
        case .deleteQueue(let t, let b, _): .deleteQueue(target: t, bounce: b, reason: reason)
        case .addReplyRule(let t, let p, let a, let ttl, _): .addReplyRule(target: t, pattern: p, actions: a, ttl: ttl, reason: reason)
        case .cancelControl(let id, _): .cancelControl(id: id, reason: reason)
        }
    }

    /// A short imperative summary for prompts and the status line, e.g. `hold gmail.com`.
    public var summary: String {
        switch self {
        case .holdDomain(let d, _, _): "hold \(d)"
        case .releaseDomain(let d, _): "release \(d)"
        case .pauseVMTA(let n, _, _): "pause vmta \(n)"
        case .resumeVMTA(let n, _): "resume vmta \(n)"
        case .pauseQueue(let q, _, _): "pause \(q)"
        case .resumeQueue(let q, _): "resume \(q)"
        case .pauseJob(let j, _, _): "pause job \(j)"
        case .resumeJob(let j, _): "resume job \(j)"
        case .deleteJob(let j, let b, _): b ? "delete job \(j) with DSNs" : "delete job \(j)"
        case .setMode(let t, let m, _): "set \(t) to \(m.rawValue)"
        case .setThrottle(let t, let s, _, _, _): "throttle \(t) " + s.map { "\($0.directive)=\($0.value)" }.joined(separator: " ")
        case .schedule(let t, _): "schedule \(t) now"
        case .deleteQueue(let t, let b, _): b ? "delete \(t) with DSNs" : "delete \(t)"
        case .addReplyRule(let t, let p, let a, _, _): "reply-rule \(t) /\(p)/ \(a)"
        case .cancelControl(let id, _): "cancel control \(id)"
        }
    }

    /// The reason offered when the operator just presses Enter.
    public var defaultReason: String {
        switch self {
        case .holdDomain: "held from console"
        case .releaseDomain: "released from console"
        case .pauseVMTA, .pauseQueue, .pauseJob: "paused from console"
        case .resumeVMTA, .resumeQueue, .resumeJob: "resumed from console"
        case .setMode(_, let m, _): "\(m.rawValue) mode set from console"
        case .setThrottle: "throttled from console"
        case .schedule: "scheduled from console"
        case .deleteQueue, .deleteJob: "deleted from console"
        case .addReplyRule: "reply rule from console"
        case .cancelControl: "undone from console"
        }
    }
}

/// A failed request or lookup, in one line the status bar can show.
public struct OperatorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
