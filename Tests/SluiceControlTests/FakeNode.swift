import Foundation
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceCore

/// Builds figures with only what a test cares about.
func figures(queued: Int = 0, delivered: Int = 0, deferred: Int = 0, bounced: Int = 0, connections: Int = 0,
             mode: String = "normal", held: Bool = false, paused: Bool = false, why: String = "",
             lastError: String = "", rateLimit: String = "unlimited") -> QueueFigures {
    QueueFigures(queued: queued, delivered: delivered, deferred: deferred, bounced: bounced, connections: connections,
                 deliveredPerMin: Double(delivered) / 10, deferredPerMin: Double(deferred) / 10, bouncedPerMin: 0,
                 rateLimit: rateLimit, mode: mode, held: held, paused: paused, why: why, lastError: lastError)
}

/// A small in-memory node: two domains over two vmtas, recording every command it executes.
actor FakeNode: ControlledNode {
    private(set) var executed: [(ControlCommand, CommandContext)] = []
    private var held: Set<String> = []
    private var controls: [ControlInfo] = []
    private var nextControl = 1
    var events: [EventRecord] = []

    let queues: [QueueKey] = [QueueKey(domain: "gmail.com", vmta: "vmta1"), QueueKey(domain: "gmail.com", vmta: "vmta2"),
                              QueueKey(domain: "yahoo.com", vmta: "vmta1")]

    func snapshot() async -> NodeSnapshot {
        let queueRows = queues.map { key in
            QueueRow(domain: key.domain, vmta: key.vmta,
                     figures: figures(queued: key.domain == "gmail.com" ? 1200 : 40, delivered: 500, deferred: 12,
                                      bounced: 3, connections: 4, held: held.contains(key.domain),
                                      why: key.domain == "gmail.com" ? "rate-limited: max-msg-rate 50/s (file.conf:41)" : "",
                                      lastError: key.domain == "yahoo.com" ? "421 4.7.0 [TSS04] Messages temporarily deferred" : ""))
        }
        // The node's own per-domain totals, so this fake cannot drift from what a node reports.
        let domains = DomainRow.totals(of: queueRows)
        let vmtas = [VMTARow(name: "vmta1", source: "127.0.0.10", paused: false, connections: 8, queued: 1240,
                             deliveredPerMin: 100, deferredPerMin: 2.4, busiestDomains: ["gmail.com", "yahoo.com"]),
                     VMTARow(name: "vmta2", source: "127.0.0.11", paused: false, connections: 4, queued: 1200,
                             deliveredPerMin: 50, deferredPerMin: 1.2, busiestDomains: ["gmail.com"])]
        let status = StatusSnapshot(node: "mx1.test", uptimeS: 3723, queued: 2440,
                                    in: .init(msgs: 9000, perS: 12.5),
                                    out: .init(delivered: 1500, deferred: 36, bounced: 9, perS: 10, deferredPerS: 0.5, bouncedPerS: 0),
                                    connections: .init(in: 3, out: 12), spool: .init(bytes: 1 << 30, freeBytes: 50 << 30),
                                    controls: controls, history: .init(in: [1, 2, 3], out: [3, 2, 1]))
        return NodeSnapshot(status: status, domains: domains, queues: queueRows, vmtas: vmtas)
    }

    func settings(for target: ControlTarget) async throws -> SettingsSnapshot {
        guard case .queue(let key) = target, queues.contains(key) else {
            throw ControlError(.unknownQueue, "unknown queue \(target.name)")
        }
        return SettingsSnapshot(queue: key.description, entries: [
            .init(name: "max-smtp-out", value: "20", origin: "default"),
            .init(name: "max-msg-rate", value: "40/s", origin: "file.conf:37"),
        ])
    }

    func recentEvents(matching filter: EventFilter) async -> [EventRecord] {
        Array(events.filter(filter.matches).suffix(filter.limit))
    }

    func execute(_ command: ControlCommand, context: CommandContext) async throws -> CommandOutcome {
        executed.append((command, context))
        switch command {
        case .hold(let domain):
            guard ["gmail.com", "yahoo.com"].contains(domain) else { throw ControlError(.unknownQueue, "unknown domain \(domain)") }
            held.insert(domain)
            let info = ControlInfo(id: "c\(nextControl)", kind: .hold, target: domain, detail: "held", who: context.actor.description,
                                   why: context.reason, createdAt: context.issuedAt, expiresAt: context.expiresAt)
            nextControl += 1
            controls.append(info)
            return CommandOutcome(message: "held \(domain)", control: info)
        case .release(let domain):
            held.remove(domain)
            return CommandOutcome(message: "released \(domain)")
        case .cancelControl(let id):
            guard controls.contains(where: { $0.id == id }) else { throw ControlError(.unknownControl, "no control \(id)") }
            controls.removeAll { $0.id == id }
            return CommandOutcome(message: "cancelled \(id)")
        default:
            return CommandOutcome(message: "done: \(command)")
        }
    }

    func bouncesByCategory() async -> [String: Int] { ["bad-mailbox": 7, "policy-related": 2] }

    /// One frame, at minute 1000.
    func historyFrame(atOrBefore minute: Int64) async -> HistoryFrame? {
        minute >= 1000 ? HistoryFrame(minute: 1000, total: HistoryRow(name: "", queued: 5), domains: [HistoryRow(name: "gmail.com", queued: 5)]) : nil
    }

    /// A flat series.
    func historySeries(_ kind: HistoryKind, _ name: String) async -> [HistoryPoint] {
        (0..<3).map { HistoryPoint(minute: 1000 + Int64($0), row: HistoryRow(name: name, delivered: $0)) }
    }

    /// Matches the pattern against the fake's recent events' replies.
    func replyRuleDryRun(pattern: String) async throws -> ReplyRuleDryRunResult {
        let matched = events.filter { $0.dsnDiag.range(of: pattern, options: .regularExpression) != nil }
        let queues = Dictionary(grouping: matched, by: \.queue).map { name, rows in
            PatternRow.Share(name: name, count: rows.count, share: Double(rows.count) / Double(matched.count))
        }.sorted { $0.name < $1.name }
        return ReplyRuleDryRunResult(pattern: pattern, matched: matched.count, examined: events.count, queues: queues,
                                     alreadyMatchedBy: [])
    }

    func lastCommand() -> (ControlCommand, CommandContext)? { executed.last }
    func executedCount() -> Int { executed.count }
}

/// A fresh short directory under /tmp (sun_path holds 108 bytes).
func makeTempDir() throws -> String {
    var template = Array("/tmp/sluice-XXXXXX".utf8CString)
    guard let p = mkdtemp(&template) else { throw ControlError(.internal, "mkdtemp failed") }
    return String(cString: p)
}

func event(_ i: Int, diagBytes: Int = 100) -> EventRecord {
    EventRecord(time: 1_700_000_000 + Double(i), kind: i % 3 == 0 ? "deferred" : "delivered", queue: "gmail.com/vmta1",
                recipient: "user\(i)@gmail.com", code: 250, dsnDiag: String(repeating: "x", count: diagBytes), category: "")
}
