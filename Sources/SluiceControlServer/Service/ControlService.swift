import Foundation
import SluiceControlProtocol
import SluiceCore

/// The command layer shared by the socket protocol, the HTTP API and the console: it validates
/// requests, fills in default reasons, forwards to the node, writes the audit log and fans events
/// out to subscribers.
public final class ControlService: Sendable {
    /// The node being controlled.
    public let node: any ControlledNode
    /// Where the node publishes events; subscribers read them from here.
    public let events: EventHub
    private let audit: AuditLog?
    private let reasons: ReasonPolicy
    /// The node's time source: commands' issue and expiry times, the subscribers' snapshot interval.
    public let clock: any Clock

    /// Creates the layer.
    ///
    /// - Parameters:
    ///   - node: the node to control.
    ///   - auditLog: where mutating commands are recorded, or nil for none (tests, demo).
    ///   - reasons: the default reasons per client kind.
    ///   - events: where the node publishes events.
    ///   - clock: the node's time source (the wall clock unless a test or simulation moves it).
    public init(node: any ControlledNode, auditLog: AuditLog?, reasons: ReasonPolicy = .standard,
                events: EventHub = EventHub(), clock: any Clock = WallClock()) {
        self.node = node
        self.audit = auditLog
        self.reasons = reasons
        self.events = events
        self.clock = clock
    }

    /// Answers a query or carries out a mutating command on behalf of `actor`.
    ///
    /// - Parameters:
    ///   - reason: why (mutating commands); the client's default applies when nil or empty.
    ///   - ttlSeconds: how long the control lasts (`--for`), nil for until cancelled.
    /// - Throws: ``ControlError`` — validation failures before the node is asked, the node's own
    ///   errors (`unknown-queue`, `refused`, …), or `internal` for anything else.
    public func handle(_ command: ControlOperation, reason: String? = nil, ttlSeconds: Int? = nil,
                       by actor: ControlActor) async throws(ControlError) -> ControlResult {
        guard let mutation = command.mutation else {
            guard ttlSeconds == nil else { throw ControlError(.usage, "a query does not take a duration") }
            return try await query(command)
        }
        return .outcome(try await execute(mutation, reason: reason, ttlSeconds: ttlSeconds, by: actor))
    }

    /// ``handle(_:reason:ttlSeconds:by:)`` as a `Result`.
    public func result(of command: ControlOperation, reason: String? = nil, ttlSeconds: Int? = nil,
                       by actor: ControlActor) async -> Result<ControlResult, ControlError> {
        do { return .success(try await handle(command, reason: reason, ttlSeconds: ttlSeconds, by: actor)) } catch {
            return .failure(error)
        }
    }

    /// The current snapshot (for subscriptions and `/metrics`).
    public func snapshot() async -> NodeSnapshot { await node.snapshot() }

    private func query(_ command: ControlOperation) async throws(ControlError) -> ControlResult {
        try CommandValidator.validate(query: command)
        switch command {
        case .status: return .status(await node.snapshot().status)
        case .queues: return .queues(await node.snapshot().queues)
        case .domains: return .domains(await node.snapshot().domains)
        case .topDomains(let limit): return .domains(Self.topDomains(await node.snapshot().domains, limit: limit))
        case .vmtas: return .vmtas(await node.snapshot().vmtas)
        case .jobs: return .jobs(await node.snapshot().jobs)
        case .listControls: return .controls(await node.snapshot().status.controls)
        case .events(let filter): return .events(await node.recentEvents(matching: filter))
        case .historyFrame(let minute): return .historyFrame(await node.historyFrame(atOrBefore: minute))
        case .historySeries(let kind, let name): return .historySeries(await node.historySeries(kind, name))
        case .replyRuleDryRun(let pattern):
            do { return .dryRun(try await node.replyRuleDryRun(pattern: pattern)) } catch { throw Self.classify(error) }
        case .settings(let target):
            do { return .settings(try await node.settings(for: target)) } catch { throw Self.classify(error) }
        case .execute: throw ControlError(.internal, "not a query")
        }
    }

    private func execute(_ command: ControlCommand, reason: String?, ttlSeconds: Int?,
                         by actor: ControlActor) async throws(ControlError) -> CommandOutcome {
        let issuedAt = clock.now().secondsSince1970
        let why: String
        do throws(ControlError) {
            why = try reasons.reason(reason, label: actor.label)
            try CommandValidator.validate(command, ttlSeconds: ttlSeconds)
        } catch {
            _ = record(command, actor: actor, reason: reason ?? "", at: issuedAt, until: nil, result: .failure(error))
            throw error
        }
        let until = ttlSeconds.map { issuedAt + Double($0) }
        let context = CommandContext(actor: actor, reason: why, issuedAt: issuedAt, expiresAt: until)
        var result: Result<CommandOutcome, ControlError>
        do { result = .success(try await node.execute(command, context: context)) } catch { result = .failure(Self.classify(error)) }
        // The action has happened: a failing audit log is reported with the outcome, not as a failure.
        if let problem = record(command, actor: actor, reason: why, at: issuedAt, until: until, result: result),
           case .success(var outcome) = result {
            outcome.message += " (warning: \(problem))"
            result = .success(outcome)
        }
        return try result.get()
    }

    /// Appends the audit record; returns the problem when that failed.
    private func record(_ command: ControlCommand, actor: ControlActor, reason: String, at time: Double,
                        until: Double?, result: Result<CommandOutcome, ControlError>) -> String? {
        guard let audit else { return nil }
        let (ok, text): (Bool, String)
        switch result {
        case .success(let outcome): (ok, text) = (true, outcome.message)
        case .failure(let error): (ok, text) = (false, "\(error.code.rawValue): \(error.message)")
        }
        do {
            try audit.append(AuditRecord(time: time, actor: actor, action: command.description, command: command,
                                         reason: reason, until: until, ok: ok, result: text))
            return nil
        } catch {
            return error.message
        }
    }

    /// The `limit` domains with the most recipients queued, ties by name.
    public static func topDomains(_ rows: [DomainRow], limit: Int) -> [DomainRow] {
        Array(rows.sorted { a, b in
            a.figures.queued != b.figures.queued ? a.figures.queued > b.figures.queued : a.name < b.name
        }.prefix(limit))
    }

    private static func classify(_ error: any Error) -> ControlError {
        if let error = error as? ControlError { return error }
        return ControlError(.internal, "\(error)")
    }
}
