import SluiceConfig
import SluiceControlProtocol
import SluiceBase

/// The console's data source over the control plane: a subscription to snapshots and events that
/// reconnects by itself, and operator requests sent as control commands. Works over the Unix socket
/// (`ControlClient`, SluiceControlClient) or in process (`InProcessEndpoint`, SluiceControlServer, the demo).
public struct ControlDataSource: ConsoleDataSource {
    /// Where the commands go.
    public let endpoint: any ControlEndpoint
    /// How often the daemon sends a snapshot.
    public let interval: Duration
    /// How long to wait before reconnecting after the daemon stopped answering.
    public let reconnectDelay: Duration
    /// The time source the reconnect delay is waited on.
    public let clock: any Clock

    /// Creates a data source.
    public init(endpoint: any ControlEndpoint, interval: Duration = .seconds(1), reconnectDelay: Duration = .seconds(1),
                clock: any Clock = WallClock()) {
        self.endpoint = endpoint
        self.interval = interval
        self.reconnectDelay = reconnectDelay
        self.clock = clock
    }

    /// Snapshots and events for as long as the stream is consumed; `.disconnected` each time the
    /// daemon stops answering, then a new subscription.
    public func feed() -> AsyncStream<ConsoleFeed> {
        let endpoint = self.endpoint
        let options = SubscribeOptions(intervalMs: Int(interval.components.seconds * 1000
                                                        + interval.components.attoseconds / 1_000_000_000_000_000))
        let delay = TimeSpan(reconnectDelay), clock = self.clock
        return AsyncStream { continuation in
            let task = Task {
                while !Task.isCancelled {
                    do {
                        for try await frame in endpoint.subscribe(options) {
                            switch frame {
                            case .snapshot(let snapshot): continuation.yield(.snapshot(snapshot))
                            case .event(let event): continuation.yield(.events([event]))
                            case .dropped: break
                            case .snapshotDelta: break // ControlClient merges deltas; endpoints yield full snapshots
                            }
                        }
                        continuation.yield(.disconnected("the daemon closed the subscription"))
                    } catch {
                        continuation.yield(.disconnected("\(error)"))
                    }
                    try? await clock.sleep(for: delay)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Sends the request as its control command; the result is the control plane's one-line answer.
    public func perform(_ request: OperatorRequest) async -> Result<String, OperatorError> {
        let command: ControlCommand
        do {
            command = try request.mutatingCommand()
        } catch {
            return .failure(OperatorError(error.message))
        }
        do {
            let result = try await endpoint.send(.execute(command), reason: request.reason,
                                                 ttlSeconds: request.ttl.map { Int($0.milliseconds / 1000) })
            if case .outcome(let outcome) = result { return .success(outcome.message) }
            return .success(command.description)
        } catch {
            return .failure(OperatorError(error.message))
        }
    }

    /// The daemon's history frame of a minute.
    public func historyFrame(minute: Int64) async -> Result<HistoryFrame?, OperatorError> {
        await query(.historyFrame(minute: minute)) { if case .historyFrame(let frame) = $0 { .some(frame) } else { nil } }
    }

    /// The daemon's last 24 hours of a domain or vmta.
    public func historySeries(kind: HistoryKind, name: String) async -> Result<[HistoryPoint], OperatorError> {
        await query(.historySeries(kind: kind, name: name)) { if case .historySeries(let points) = $0 { points } else { nil } }
    }

    /// The daemon's dry run of a reply rule.
    public func dryRun(pattern: String) async -> Result<ReplyRuleDryRunResult, OperatorError> {
        await query(.replyRuleDryRun(pattern: pattern)) { if case .dryRun(let run) = $0 { run } else { nil } }
    }

    /// Sends a query and picks its answer out of the result (nil: not the answer expected).
    private func query<T>(_ operation: ControlOperation, _ pick: (ControlResult) -> T?) async -> Result<T, OperatorError> {
        do {
            guard let answer = pick(try await endpoint.send(operation, reason: nil, ttlSeconds: nil)) else {
                return .failure(OperatorError("unexpected answer"))
            }
            return .success(answer)
        } catch {
            return .failure(OperatorError(error.message))
        }
    }

    /// The target's effective settings from the daemon.
    public func settings(for target: String) async -> Result<SettingsSnapshot, OperatorError> {
        let parsed: ControlTarget
        do { parsed = try ControlTarget.domainOrQueue(target) } catch { return .failure(OperatorError(error.message)) }
        return await query(.settings(target: parsed)) { if case .settings(let settings) = $0 { settings } else { nil } }
    }
}

extension OperatorRequest {
    /// The control command this request is.
    ///
    /// - Throws: ``ControlError`` when a target name is malformed.
    func mutatingCommand() throws(ControlError) -> ControlCommand {
        switch self {
        case .holdDomain(let domain, _, _): return .hold(domain: domain)
        case .releaseDomain(let domain, _): return .release(domain: domain)
        case .pauseVMTA(let name, _, _): return .pause(target: try .vmtaNamed(name))
        case .resumeVMTA(let name, _): return .resume(target: try .vmtaNamed(name))
        case .pauseQueue(let queue, _, _): return .pause(target: try .domainOrQueue(queue))
        case .resumeQueue(let queue, _): return .resume(target: try .domainOrQueue(queue))
        case .pauseJob(let job, _, _): return .pause(target: try .jobNamed(job))
        case .resumeJob(let job, _): return .resume(target: try .jobNamed(job))
        case .deleteJob(let job, let bounce, _): return .delete(target: try .jobNamed(job), asBounces: bounce)
        case .setMode(let target, let mode, _): return .setMode(target: try .domainOrQueue(target), mode: mode.rawValue)
        case .setThrottle(let target, let settings, _, let persist, _):
            return .setThrottle(target: try .domainOrQueue(target), settings: settings, persist: persist)
        case .schedule(let target, _): return .schedule(target: try .domainOrQueue(target))
        case .deleteQueue(let target, let bounce, _): return .delete(target: try .domainOrQueue(target), asBounces: bounce)
        case .addReplyRule(let target, let pattern, let actions, _, _):
            return .addReplyRule(target: try .domainOrQueue(target), pattern: pattern, actions: actions)
        case .cancelControl(let id, _): return .cancelControl(id: id)
        }
    }

    /// How long the control should last, for the requests that take one.
    var ttl: TimeSpan? {
        switch self {
        case .holdDomain(_, _, let ttl), .pauseVMTA(_, _, let ttl), .pauseQueue(_, _, let ttl), .pauseJob(_, _, let ttl),
             .addReplyRule(_, _, _, let ttl, _),
             .setThrottle(_, _, let ttl, _, _):
            return ttl
        default:
            return nil
        }
    }
}
