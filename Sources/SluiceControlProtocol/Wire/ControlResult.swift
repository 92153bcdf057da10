import Foundation

/// The answer to a ``ControlOperation``, encoded as DESIGN.md's `--json` documents:
/// `show status` is the ``StatusSnapshot`` itself, `show domains` is `{"domains":[…]}`,
/// `show queues` `{"queues":[…]}`, `show vmtas` `{"vmtas":[…]}`, `show jobs` `{"jobs":[…]}`, `show settings` the
/// ``SettingsSnapshot``, events `{"events":[…]}`, controls `{"controls":[…]}`, and a mutating
/// command its ``CommandOutcome``.
public enum ControlResult: Hashable, Sendable, Encodable {
    /// `status`.
    case status(StatusSnapshot)
    /// `queues`.
    case queues([QueueRow])
    /// `domains` and `topDomains`.
    case domains([DomainRow])
    /// `vmtas`.
    case vmtas([VMTARow])
    /// `jobs`.
    case jobs([JobRow])
    /// `settings`.
    case settings(SettingsSnapshot)
    /// `events`.
    case events([EventRecord])
    /// `listControls`.
    case controls([ControlInfo])
    /// `replyRuleDryRun`.
    case dryRun(ReplyRuleDryRunResult)
    /// `historyFrame`: `{"frame":{…}}`, or `{"frame":null}` before the history's first minute.
    case historyFrame(HistoryFrame?)
    /// `historySeries`: `{"points":[…]}`.
    case historySeries([HistoryPoint])
    /// Any mutating command.
    case outcome(CommandOutcome)

    private enum Keys: String, CodingKey { case queues, domains, vmtas, jobs, events, controls, frame, points }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .status(let s): try s.encode(to: encoder)
        case .settings(let s): try s.encode(to: encoder)
        case .dryRun(let d): try d.encode(to: encoder)
        case .outcome(let o): try o.encode(to: encoder)
        case .queues(let rows):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(rows, forKey: .queues)
        case .domains(let rows):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(rows, forKey: .domains)
        case .vmtas(let rows):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(rows, forKey: .vmtas)
        case .jobs(let rows):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(rows, forKey: .jobs)
        case .historyFrame(let frame):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(frame, forKey: .frame)
        case .historySeries(let points):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(points, forKey: .points)
        case .events(let events):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(events, forKey: .events)
        case .controls(let controls):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(controls, forKey: .controls)
        }
    }

    /// Decodes the result of `command` (the shape depends on the command that was sent).
    public init(decoding command: ControlOperation, from decoder: any Decoder) throws {
        switch command {
        case .status: self = .status(try StatusSnapshot(from: decoder))
        case .settings: self = .settings(try SettingsSnapshot(from: decoder))
        case .replyRuleDryRun: self = .dryRun(try ReplyRuleDryRunResult(from: decoder))
        case .execute: self = .outcome(try CommandOutcome(from: decoder))
        case .queues:
            self = .queues(try decoder.container(keyedBy: Keys.self).decode([QueueRow].self, forKey: .queues))
        case .domains, .topDomains:
            self = .domains(try decoder.container(keyedBy: Keys.self).decode([DomainRow].self, forKey: .domains))
        case .vmtas:
            self = .vmtas(try decoder.container(keyedBy: Keys.self).decode([VMTARow].self, forKey: .vmtas))
        case .jobs:
            self = .jobs(try decoder.container(keyedBy: Keys.self).decode([JobRow].self, forKey: .jobs))
        case .historyFrame:
            self = .historyFrame(try decoder.container(keyedBy: Keys.self).decodeIfPresent(HistoryFrame.self, forKey: .frame))
        case .historySeries:
            self = .historySeries(try decoder.container(keyedBy: Keys.self).decode([HistoryPoint].self, forKey: .points))
        case .events:
            self = .events(try decoder.container(keyedBy: Keys.self).decode([EventRecord].self, forKey: .events))
        case .listControls:
            self = .controls(try decoder.container(keyedBy: Keys.self).decode([ControlInfo].self, forKey: .controls))
        }
    }
}

/// The JSON encoder every control-plane output uses: sorted keys (stable output), no escaped slashes
/// (queue names stay readable).
public func controlJSONEncoder(pretty: Bool = false) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
                                      : [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}
