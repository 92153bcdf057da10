import SluiceConfig
import SluiceControlProtocol
import SluiceControlServer
import SluiceCore

/// Between the control plane's terms and the engine's: a command's context as the engine's
/// request, an engine control as the control plane's ``ControlInfo``, a command's outcome as the
/// operator's one line. Pure.
enum ControlTranslation {
    /// The engine's request for a command issued in `context`: who, why, for how long, by which client.
    static func request(from context: CommandContext) -> ControlRequest {
        ControlRequest(
            who: context.actor.description, why: context.reason,
            duration: context.expiresAt.map { TimeSpan(milliseconds: Int64((($0 - context.issuedAt) * 1000).rounded())) },
            client: context.actor.label)
    }

    /// The control-plane form of an engine control.
    static func info(_ control: Control) -> ControlInfo {
        let kind: ControlInfo.Kind, detail: String
        switch control.kind {
        case .hold: (kind, detail) = (.hold, "held")
        case .pause: (kind, detail) = (.pause, "paused")
        case .throttle(_, let directive, let value): (kind, detail) = (.throttle, "\(directive)=\(value)")
        case .replyRule(_, let pattern, let actions): (kind, detail) = (.replyRule, "/\(pattern)/ \(actions)")
        }
        // A job is named `job ID`, so that it never reads as a domain or vmta of the same name.
        let target = control.kind.target.jobID.map { "job \($0)" } ?? control.kind.target.name
        return ControlInfo(id: String(control.id), kind: kind, target: target, detail: detail, who: control.who,
                           why: control.why, createdAt: Double(control.createdAt.milliseconds) / 1000,
                           expiresAt: control.expiresAt.map { Double($0.milliseconds) / 1000 })
    }

    /// The operator's line for a command carried out; `queued` counts the recipients queued
    /// for the domain a hold names.
    static func message(for command: ControlCommand, queued: Int) -> String {
        switch command {
        case .hold(let domain): return "held \(domain) (\(queued) recipient(s) queued)"
        case .release(let domain): return "released \(domain)"
        default: return "done: \(command)"
        }
    }
}
