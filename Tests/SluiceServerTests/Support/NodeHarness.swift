import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceServer
import Synchronization

/// A configuration for tests: 127.0.0.1 may relay, everything goes out through vmta `v1` bound
/// to 127.0.0.1, and each domain is routed to a loopback port. `sourceSettings` go into
/// `<source 127.0.0.1>`. Without `dsns` that source has `suppress-local-dsn yes`: a test that is
/// not about DSNs gets none, so no DSN to its unrouted sender domain goes looking for it in DNS.
func testConfiguration(spool: String, routes: [(domain: String, port: Int)], domainSettings: String = "",
                       perDomain: [String: String] = [:], sourceSettings: String = "", dsns: Bool = false) -> String {
    var text = """
    host-name node.test
    spool \(spool)
    <source 127.0.0.1>
        always-allow-relaying yes
        suppress-local-dsn \(dsns ? "no" : "yes")
    \(sourceSettings)
    </source>
    <source 0/0>
        default-virtual-mta v1
    </source>
    <virtual-mta v1>
        smtp-source-host 127.0.0.1 node.test
    </virtual-mta>
    <domain *>
        max-smtp-out 4
    \(domainSettings)
    </domain>

    """
    for (domain, port) in routes {
        text += "<domain \(domain)>\n    route [127.0.0.1]:\(port)\n\(perDomain[domain] ?? "")\n</domain>\n"
    }
    return text
}

/// Loads a test configuration; fails the test on any diagnostic error.
func loadConfiguration(_ text: String) throws -> ConfigModel {
    let result = ConfigLoader.load(text: text, fileName: "test.conf")
    if let error = result.errors.first { throw TestError("bad test configuration: \(error)") }
    return result.model
}

/// Node options for tests: a listener on a free port, the control socket in `directory`, no
/// audit log, log lines kept in memory.
func testOptions(directory: String) -> NodeOptions {
    NodeOptions(smtpListeners: [.loopback(port: 0)], controlSocketPath: "\(directory)/c.sock",
                auditLogPath: "", shutdownGrace: .seconds(5), log: { _ in })
}

/// Every delivery event the node publishes, for assertions.
final class EventCollector: Sendable {
    private let store = EventStore()

    init(_ node: MailNode) {
        _ = node.events.subscribe { [store] event in store.append(event) }
    }

    /// The events so far, optionally of one kind and domain.
    func events(kind: String? = nil, domain: String? = nil) -> [EventRecord] {
        store.all.filter { e in
                (kind == nil || e.kind == kind) && (domain.map { e.queue.hasPrefix($0 + "/") } ?? true)
            }
    }
}

/// Starts a node, runs `body`, and shuts the node down whatever happens.
func withNode<T>(_ configuration: ConfigModel, directory: String,
                 _ body: (MailNode, EventCollector) async throws -> T) async throws -> T {
    let node = try await MailNode.start(configuration: configuration, options: testOptions(directory: directory))
    let collector = EventCollector(node)
    do {
        let result = try await body(node, collector)
        await node.shutdown()
        return result
    } catch {
        await node.shutdown()
        throw error
    }
}

/// Removes a test directory.
func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A thread-safe list of events.
final class EventStore: Sendable {
    private let events = Mutex<[EventRecord]>([])
    func append(_ event: EventRecord) { events.withLock { $0.append(event) } }
    var all: [EventRecord] { events.withLock { $0 } }
}
