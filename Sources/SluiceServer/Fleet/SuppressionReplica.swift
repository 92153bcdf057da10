import Foundation
import SluiceConfig
import SluiceRedis
import SluiceSuppression

/// The node's suppression list replicated through the fleet's Redis (docs/fleet.md
/// "Suppression"): what this node adds reaches every other node within milliseconds, and what
/// they add is in force here for the next check.
///
/// - **Out.** Every row written to the node's suppression file — bounces and complaints
///   (``NodeSuppression/suppress(recipient:reason:source:sender:jobID:time:)``) and what
///   `sluice suppress add` or an import put there — is read back in row order after each write
///   and each refresh, and pushed in batches by one script run (``SuppressionScripts/add``):
///   `HSET suppression:SCOPE`, `XADD suppression:changes`, `PUBLISH suppression`. Entries taken
///   from the fleet (source `fleet NODE: …`) are not pushed again. The last row pushed is kept in
///   a position file, so rows written while Redis is down (or the node is stopped) are pushed
///   when it answers again: nothing is lost.
/// - **In.** Messages on the `suppression` channel are applied at once
///   (``NodeSuppression/applyFromFleet(_:)``); the stream is then read from the last entry taken
///   (exclusive), which also catches up after a reconnect. When the stream was trimmed past that
///   entry (or re-created), or on the very first start, the scope hashes are read whole instead.
/// - Without Redis the node's list works as on its own.
public actor SuppressionReplica {
    /// The channel changes are published on (under the key prefix).
    public static let channel = "suppression"
    /// The change stream.
    static let streamName = "suppression:changes"
    /// The set of scopes that have a hash.
    static let scopesName = "suppression:scopes"
    /// The stream's approximate length limit (`XADD … MAXLEN ~`).
    static let maximumStreamLength = 100_000
    /// Rows pushed, and stream entries read, per round trip.
    static let batchSize = 200

    /// The hash of the entries in scope `scope` (its written form, e.g. `sender-domain:shop.example`).
    static func hashName(_ scope: String) -> String { "suppression:\(scope)" }

    nonisolated let link: ClusterLink
    nonisolated let suppression: NodeSuppression
    nonisolated let positionPath: String
    nonisolated let log: @Sendable (String) -> Void

    private var position: SuppressionReplicaPosition
    private var started = false
    private var pushing = false
    private var pushRequested = false
    private var catchingUp = false
    private var catchUpRequested = false
    /// A failed push was logged (until one succeeds).
    private var pushFailureLogged = false
    private var tasks: [Task<Void, Never>] = []

    /// A replica of `suppression` through `link`, its position kept in the file `positionPath`.
    public init(link: ClusterLink, suppression: NodeSuppression, positionPath: String, log: @escaping @Sendable (String) -> Void) {
        self.link = link
        self.suppression = suppression
        self.positionPath = positionPath
        self.log = log
        position = SuppressionReplicaPosition.load(positionPath)
    }

    /// The last row of the local file pushed to Redis (or passed over: taken from the fleet).
    var pushedRowID: Int64? { position.pushed }

    /// The replica of a node with `link` (nil without a `<cluster>` block: no replica), its
    /// position kept next to the suppression database `settings` name (`DATABASE.fleet`).
    static func forCluster(_ link: ClusterLink?, suppression: NodeSuppression, settings: SuppressionSettings,
                           spoolDirectory: String, log: @escaping @Sendable (String) -> Void) -> SuppressionReplica? {
        link.map {
            SuppressionReplica(link: $0, suppression: suppression,
                               positionPath: settings.databasePath(spoolDirectory: spoolDirectory) + ".fleet", log: log)
        }
    }

    /// The node's name in the fleet.
    private nonisolated var node: String { link.settings.nodeName }

    /// Starts replicating: subscribes, follows the link's reconnections and the list's writes,
    /// then pushes what waits and catches up. Nothing when suppression is off. Call once the
    /// link has started.
    public func start() async {
        guard !started, let store = suppression.store else { return }
        started = true
        do {
            let last = try store.lastRowID()
            // First start: the rows already in the file stay local (docs/fleet.md); a file that
            // was replaced has fewer rows than the position says.
            if position.pushed.map({ $0 > last }) ?? true {
                position.pushed = last
                save()
            }
        } catch {
            log("fleet: suppression: cannot read \(store.path), nothing replicated until the next start: \(error)")
            return
        }
        let events = await link.observe()
        let messages = await link.subscribe(Self.channel)
        suppression.observeChanges { [weak self] in
            Task { await self?.push() }
        }
        tasks.append(Task { [weak self] in
            for await event in events {
                guard case .reconnected = event, let self else { continue }
                await self.push()
                await self.catchUp()
            }
        })
        tasks.append(Task { [weak self] in
            for await payload in messages { await self?.received(payload) }
        })
        tasks.append(Task { [weak self] in
            await self?.push()
            await self?.catchUp()
        })
    }

    /// Stops following the link and the list; keeps the position.
    public func stop() {
        suppression.observeChanges(nil)
        for task in tasks { task.cancel() }
        tasks = []
        started = false
    }

    // MARK: - Out

    /// Pushes the file's rows after the position, in batches, until none is left or Redis fails
    /// (they are pushed on the next write, refresh or reconnect).
    func push() async {
        guard started else { return }
        guard !pushing else {
            pushRequested = true
            return
        }
        pushing = true
        defer { pushing = false }
        repeat {
            pushRequested = false
            guard let store = suppression.store, let from = position.pushed else { return }
            let changes: SuppressionStore.Changes
            do { changes = try store.changes(after: from, limit: Self.batchSize) } catch {
                log("fleet: suppression: cannot read \(store.path): \(error)")
                return
            }
            guard changes.rowCount > 0 else { continue }
            let outgoing = changes.entries.filter { !ReplicatedSuppression.isFromFleet($0) }
            if !outgoing.isEmpty {
                do throws(ClusterLinkError) { try await send(outgoing) } catch {
                    if !pushFailureLogged {
                        log("fleet: suppression: entries wait in \(store.path) until redis takes them: \(error)")
                        pushFailureLogged = true
                    }
                    return
                }
                if pushFailureLogged { log("fleet: suppression: waiting entries pushed to redis") }
                pushFailureLogged = false
            }
            position.pushed = changes.lastID
            save()
            if changes.rowCount == Self.batchSize { pushRequested = true }
        } while pushRequested
    }

    /// One round trip: the entries in their hashes, in the stream, and published.
    private func send(_ entries: [SuppressionEntry]) async throws(ClusterLinkError) {
        var keys = [link.key(Self.streamName), link.key(Self.scopesName)]
        var arguments = [link.key(Self.channel), String(Self.maximumStreamLength)]
        for entry in entries {
            let replicated = ReplicatedSuppression(entry, node: node)
            keys.append(link.key(Self.hashName(replicated.scope)))
            arguments += [replicated.address, replicated.scope, replicated.reason, replicated.source, String(replicated.time),
                          node, replicated.json]
        }
        _ = try await link.evaluate(SuppressionScripts.add, keys: keys, arguments: arguments)
    }

    // MARK: - In

    /// A message on the channel: another node's entry applied at once, then the stream read
    /// (in the background) to move the position on.
    func received(_ payload: [UInt8]) {
        guard started else { return }
        if let message = try? JSONDecoder().decode(ReplicatedSuppressionMessage.self, from: Data(payload)),
           message.entry.node != node, let entry = message.entry.localEntry {
            suppression.applyFromFleet([entry])
        }
        if catchingUp {
            catchUpRequested = true
        } else {
            Task { await self.catchUp() }
        }
    }

    /// Reads the stream from the position (or the hashes whole, when the stream cannot say what
    /// happened since) until it is exhausted; a Redis failure leaves it to the next reconnect.
    func catchUp() async {
        guard started else { return }
        guard !catchingUp else {
            catchUpRequested = true
            return
        }
        catchingUp = true
        defer { catchingUp = false }
        repeat {
            catchUpRequested = false
            guard suppression.store != nil else { return }
            do throws(ClusterLinkError) { try await readStream() } catch {
                if case .degraded = error { return }
                log("fleet: suppression: catching up from redis failed, tried again on the next change or reconnect: \(error)")
                return
            }
        } while catchUpRequested
    }

    /// Reads the stream after the position, a page at a time.
    private func readStream() async throws(ClusterLinkError) {
        let stream = link.key(Self.streamName)
        while true {
            let from = position.stream.flatMap(SuppressionStreamID.init)
            let replies = try await link.sendBatch([
                ["XINFO", "STREAM", stream],
                ["XRANGE", stream, "(" + (from ?? .zero).description, "+", "COUNT", String(Self.batchSize)],  // exclusive
            ])
            let info = SuppressionStreamInfo(replies[0])  // nil: no stream yet
            guard let from else {
                try await loadAll(upTo: info?.lastGenerated ?? .zero)
                return
            }
            if let info, info.maxDeleted > from || info.lastGenerated < from {
                log("fleet: suppression: the change stream no longer holds \(from) (trimmed or re-created); reading the lists whole")
                try await loadAll(upTo: info.lastGenerated)
                continue
            }
            if case .error(let message) = replies[1] { throw .server(message) }
            let page = replies[1].elements ?? []
            var entries: [SuppressionEntry] = []
            var last = from
            for item in page {
                guard let parts = item.elements, parts.count == 2, let id = parts[0].string.flatMap(SuppressionStreamID.init)
                else { throw .unexpectedReply("XRANGE returned \(item)") }
                last = max(last, id)
                let values = parts[1].elements?.compactMap(\.string) ?? []
                var fields: [String: String] = [:]
                for index in stride(from: 0, to: values.count - 1, by: 2) { fields[values[index]] = values[index + 1] }
                guard let replicated = ReplicatedSuppression(fields: fields), replicated.node != node,
                      let entry = replicated.localEntry else { continue }
                entries.append(entry)
            }
            suppression.applyFromFleet(entries)
            if last != from {
                position.stream = last.description
                save()
            }
            if page.count < Self.batchSize { return }
        }
    }

    /// Applies every entry of every scope hash, then puts the position at `last` (read before:
    /// an entry added meanwhile is seen twice, which is harmless).
    private func loadAll(upTo last: SuppressionStreamID) async throws(ClusterLinkError) {
        let scopes = try await link.send(["SMEMBERS", link.key(Self.scopesName)]).elements?.compactMap(\.string) ?? []
        var taken = 0
        for scope in scopes.sorted() {
            var cursor = "0"
            repeat {
                let reply = try await link.send(["HSCAN", link.key(Self.hashName(scope)), cursor, "COUNT", "1000"])
                guard let parts = reply.elements, parts.count == 2, let next = parts[0].string else {
                    throw .unexpectedReply("HSCAN returned \(reply)")
                }
                cursor = next
                let fields = parts[1].elements ?? []
                var entries: [SuppressionEntry] = []
                for index in stride(from: 1, to: fields.count, by: 2) {
                    guard case .bulkString(let bytes?) = fields[index], let replicated = ReplicatedSuppression(json: bytes),
                          replicated.node != node, let entry = replicated.localEntry else { continue }
                    entries.append(entry)
                }
                taken += suppression.applyFromFleet(entries)
            } while cursor != "0"
        }
        position.stream = last.description
        save()
        log("fleet: suppression: read the fleet's list from redis (\(scopes.count) scope(s)), \(taken) entr(ies) taken")
    }

    private func save() {
        if let failure = position.save(positionPath) {
            log("fleet: suppression: cannot write \(positionPath) (replication resumes from further back after a restart): \(failure)")
        }
    }
}

/// What `XINFO STREAM` says of the change stream.
struct SuppressionStreamInfo {
    /// The id of the last entry ever added.
    var lastGenerated: SuppressionStreamID
    /// The highest id trimmed away (`0-0`: none).
    var maxDeleted: SuppressionStreamID

    /// The reply's fields (a flat array in RESP2, a map in RESP3); nil for an error (no such key).
    init?(_ reply: RESPValue) {
        var fields: [String: String] = [:]
        switch reply {
        case .map(let pairs):
            for pair in pairs { if let key = pair.key.string, let value = pair.value.string { fields[key] = value } }
        default:
            guard let values = reply.elements else { return nil }
            for index in stride(from: 0, to: values.count - 1, by: 2) {
                if let key = values[index].string, let value = values[index + 1].string { fields[key] = value }
            }
        }
        guard let last = fields["last-generated-id"].flatMap(SuppressionStreamID.init) else { return nil }
        lastGenerated = last
        maxDeleted = fields["max-deleted-entry-id"].flatMap(SuppressionStreamID.init) ?? .zero
    }
}
