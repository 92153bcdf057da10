import SluiceConfig
import SluiceCore
import SluiceDNS

/// The MX host names of recipient domains, for `<mx-rollup-list>` routing: looked up through the
/// node's ``MXResolver`` and kept for a while by the node's clock (an answer, "no MX" included,
/// for ``answerTTL``; a failed lookup for ``failureTTL``), so admission rarely waits for DNS.
///
/// A caller waits at most ``timeout`` for domains not known yet. A lookup still unanswered then
/// leaves its domain without MX hosts for that caller (the domain's own queue; an expired earlier
/// answer is used if there is one) and goes on: its answer, when it comes, serves later callers.
/// Concurrent callers asking for the same domain share one lookup, and at most
/// ``maxConcurrentLookups`` run at once (each holds a thread of the system resolver); the rest
/// wait their turn.
actor RollupResolver {
    private struct Entry {
        var exchanges: [String]
        var expires: Instant
    }

    private struct Waiter {
        var pending: Set<String>
        var continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>?
    }

    private let resolver: MXResolver
    let clock: any SluiceCore.Clock
    /// How long a caller waits for lookups.
    let timeout: TimeSpan
    /// How long an answer (hosts, no MX, no such domain) is kept.
    let answerTTL: TimeSpan
    /// How long a failed lookup (timeout, SERVFAIL) counts as "no MX hosts".
    let failureTTL: TimeSpan
    private var cache: [String: Entry] = [:]
    /// Domains asked for and not answered yet: running or in ``queued``.
    private var inFlight: Set<String> = []
    private var queued: [String] = []
    private var queuedHead = 0
    private var running = 0
    /// Lookups running at once.
    let maxConcurrentLookups = 32
    private var waiters: [UInt64: Waiter] = [:]
    private var nextWaiter: UInt64 = 0
    /// Above this many cached domains, expired entries are dropped.
    private let pruneThreshold = 100_000

    /// Creates a resolver over `resolver`, with time from `clock`.
    init(resolver: MXResolver, clock: any SluiceCore.Clock, timeout: TimeSpan,
         answerTTL: TimeSpan = .hours(1), failureTTL: TimeSpan = .minutes(1)) {
        self.resolver = resolver
        self.clock = clock
        self.timeout = timeout
        self.answerTTL = answerTTL
        self.failureTTL = failureTTL
    }

    /// The MX host names of each of `domains` (lower case), empty for a domain without MX hosts
    /// or whose lookup failed or did not answer within ``timeout``.
    func exchanges(of domains: Set<String>) async -> [String: [String]] {
        let now = clock.now()
        let missing = domains.filter { cache[$0].map { $0.expires <= now } ?? true }
        if !missing.isEmpty {
            for domain in missing where !inFlight.contains(domain) { startLookup(domain) }
            await wait(for: missing)
        }
        var result: [String: [String]] = [:]
        for domain in domains { result[domain] = cache[domain]?.exchanges ?? [] }
        return result
    }

    /// Starts one lookup, or queues it behind the running ones; its answer is stored whenever it
    /// comes.
    private func startLookup(_ domain: String) {
        inFlight.insert(domain)
        guard running < maxConcurrentLookups else {
            queued.append(domain)
            return
        }
        launch(domain)
    }

    private func launch(_ domain: String) {
        running += 1
        let resolver = self.resolver
        Task {
            let answer: [String]?
            switch await resolver.route(for: domain) {
            case .hosts(let names): answer = names
            case .implicitMX(let name): answer = [name]
            case .nullMX, .noSuchDomain: answer = []
            case .temporaryFailure: answer = nil
            }
            self.store(domain, answer)
        }
    }

    /// Caches a lookup's answer (nil: it failed) and wakes the callers it completes.
    private func store(_ domain: String, _ answer: [String]?) {
        inFlight.remove(domain)
        running -= 1
        if queuedHead < queued.count {
            let next = queued[queuedHead]
            queuedHead += 1
            if queuedHead >= 1024 || queuedHead == queued.count {
                queued.removeFirst(queuedHead)
                queuedHead = 0
            }
            launch(next)
        }
        let now = clock.now()
        if cache.count >= pruneThreshold { cache = cache.filter { $0.value.expires > now } }
        if let answer {
            cache[domain] = Entry(exchanges: answer, expires: now + answerTTL)
        } else {
            // A failure keeps an earlier answer (if any) for a short while.
            cache[domain] = Entry(exchanges: cache[domain]?.exchanges ?? [], expires: now + failureTTL)
        }
        for (id, var waiter) in waiters where waiter.pending.contains(domain) {
            waiter.pending.remove(domain)
            if waiter.pending.isEmpty { finish(id) } else { waiters[id] = waiter }
        }
    }

    /// Suspends until every one of `domains` has an answer or ``timeout`` passes.
    private func wait(for domains: Set<String>) async {
        let id = nextWaiter
        nextWaiter += 1
        let span = timeout
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let clock = self.clock
            let timer = Task {
                try? await clock.sleep(for: span)
                self.finish(id)
            }
            waiters[id] = Waiter(pending: domains, continuation: continuation, timer: timer)
        }
    }

    /// Resumes a waiter once (later calls for the same id do nothing).
    private func finish(_ id: UInt64) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume()
    }
}
