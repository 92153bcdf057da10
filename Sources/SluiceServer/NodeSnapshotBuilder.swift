import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceSMTP
import SluiceSpool

/// Builds the control plane's ``NodeSnapshot`` from the engine's queue snapshots.
struct NodeSnapshotBuilder {
    let engine: DeliveryEngine
    let inboundConnections: Int
    let refusedInbound: [String: Int]
    let configuration: ConfigModel
    let hostName: String
    let uptime: Double
    let messagesReceived: Int
    let spool: Spool
    let spoolDirectory: String
    let now: Instant

    func build() -> NodeSnapshot {
        let queues = engine.queueSnapshots(now: now)
        let rows = queues.map {
            QueueRow(domain: $0.key.domain, vmta: $0.key.vmta, figures: figures($0),
                     disabledSources: $0.disabledSources.map(Self.row))
        }
        return NodeSnapshot(status: status(), domains: DomainRow.totals(of: rows), queues: rows, vmtas: vmtas(queues))
    }

    /// The most reply templates a snapshot carries (the most frequent of the last hour).
    static let patternRows = 200

    /// The wire row of a reply template.
    static func row(_ p: ReplyPatternSummary) -> PatternRow {
        func shares(_ s: [ReplyPatternShare]) -> [PatternRow.Share] { s.map { PatternRow.Share(name: $0.name, count: $0.count, share: $0.share) } }
        return PatternRow(template: p.template, example: p.example, deferred: p.deferredLastHour, bounced: p.bouncedLastHour,
                          perMinute: p.perMinute, firstSeen: Double(p.firstSeen.milliseconds) / 1000,
                          lastSeen: Double(p.lastSeen.milliseconds) / 1000, domains: shares(p.domains), vmtas: shares(p.vmtas))
    }

    /// The most job rows a snapshot carries (those with the most recipients queued, then the
    /// most recently active).
    static let jobRows = 500

    /// The job rows of a snapshot: the busiest ``jobRows`` jobs, by name.
    static func jobs(_ engine: DeliveryEngine, now: Instant) -> [JobRow] {
        engine.jobSnapshots(now: now)
            .sorted { ($0.pending, $0.lastActivity) > ($1.pending, $1.lastActivity) }
            .prefix(jobRows).map(row).sorted { $0.name < $1.name }
    }

    /// The wire row of a job.
    static func row(_ j: JobSnapshot) -> JobRow {
        JobRow(name: j.id, queued: j.pending, delivered: j.delivered, deferred: j.deferredAttempts,
               bounced: j.bounced + j.expired, deleted: j.deleted, complained: j.complained, suppressed: j.suppressed,
               progress: j.progress, deliveredPerMin: j.deliveredPerMinute, paused: j.pausedBy != nil,
               pausedBy: j.pausedBy.map { "#\($0.id) by \($0.who)" + ($0.why.isEmpty ? "" : ": \($0.why)") }, firstSeen: Double(j.firstSeen.milliseconds) / 1000,
               lastActivity: Double(j.lastActivity.milliseconds) / 1000)
    }

    /// The wire row of a disabled source.
    static func row(_ d: DisabledSource) -> DisabledSourceRow {
        DisabledSourceRow(source: d.source, destination: d.destination, since: Double(d.since.milliseconds) / 1000,
                          until: Double(d.until.milliseconds) / 1000, reply: d.reply, patternList: d.patternList)
    }

    func figures(_ queue: QueueSnapshot) -> QueueFigures {
        let stats = queue.stats
        return QueueFigures(
            queued: queue.queued + queue.inFlight, delivered: Int(stats[.delivered].total),
            deferred: Int(stats[.deferredAttempts].total), bounced: Int(stats[.bounced].total + stats[.expired].total),
            connections: queue.connections, deliveredPerMin: stats[.delivered].per1m * 60,
            deferredPerMin: stats[.deferredAttempts].per1m * 60,
            bouncedPerMin: (stats[.bounced].per1m + stats[.expired].per1m) * 60,
            rateLimit: engine.settings(for: queue.key).maxMsgRate.value.description, mode: queue.mode.rawValue,
            held: queue.heldBy != nil, paused: queue.pausedBy != nil, why: queue.why, lastError: queue.lastError ?? "",
            refused: Int(stats[.refusedConnections].total), refusedPerMin: stats[.refusedConnections].per1m * 60,
            oldestAgeS: queue.oldestQueued.map { Double((now - $0).milliseconds) / 1000 },
            drainS: QueueFigures.drainSeconds(queued: queue.queued + queue.inFlight,
                                              deliveredPerMin: stats[.delivered].per1m * 60),
            latency: queue.latency)
    }

    func vmtas(_ queues: [QueueSnapshot]) -> [VMTARow] {
        var names = Set(configuration.virtualMTAs.keys)
        for queue in queues { names.insert(queue.key.vmta) }
        let paused = Set(engine.activeControls.compactMap { control -> String? in
            if case .pause(.vmta(let v)) = control.kind { return v } else { return nil }
        })
        let warmup = Dictionary(engine.warmupStatus(now: now).map { ($0.vmta, Self.figures($0)) }) { first, _ in first }
        return names.sorted().map { name in
            let mine = queues.filter { $0.key.vmta == name }
            let busiest = mine.sorted { ($0.queued + $0.inFlight) > ($1.queued + $1.inFlight) }.prefix(3).map(\.key.domain)
            return VMTARow(name: name, source: configuration.virtualMTAs[name]?.sourceAddress?.description ?? "",
                           paused: paused.contains(name), connections: mine.reduce(0) { $0 + $1.connections },
                           queued: mine.reduce(0) { $0 + $1.queued + $1.inFlight },
                           deliveredPerMin: mine.reduce(0) { $0 + $1.stats[.delivered].per1m * 60 },
                           deferredPerMin: mine.reduce(0) { $0 + $1.stats[.deferredAttempts].per1m * 60 },
                           busiestDomains: Array(busiest), warmup: warmup[name],
                           refusedPerMin: mine.reduce(0) { $0 + $1.stats[.refusedConnections].per1m * 60 })
        }
    }

    /// A warming vmta's figures for the control plane.
    static func figures(_ status: WarmupStatus) -> WarmupFigures {
        WarmupFigures(schedule: status.schedule, day: status.step, days: status.stepCount, sentToday: status.sentToday,
                      capToday: status.capToday, rate: status.rate.description, held: status.held)
    }

    func status() -> StatusSnapshot {
        let total = engine.totalStats(now: now)
        let bounced = total[.bounced], expired = total[.expired]
        return StatusSnapshot(
            node: hostName, uptimeS: uptime, queued: engine.pendingRecipients,
            in: .init(msgs: messagesReceived, perS: total[.injected].per1m),
            out: .init(delivered: Int(total[.delivered].total), deferred: Int(total[.deferredAttempts].total),
                       bounced: Int(bounced.total + expired.total), perS: total[.delivered].per1m,
                       deferredPerS: total[.deferredAttempts].per1m, bouncedPerS: bounced.per1m + expired.per1m,
                       refused: Int(total[.refusedConnections].total), refusedPerS: total[.refusedConnections].per1m),
            connections: .init(in: inboundConnections, out: engine.openConnections, refusedIn: refusedInbound),
            spool: .init(bytes: spool.statistics().diskBytes, freeBytes: FileSystem.freeBytes(spoolDirectory) ?? 0),
            controls: engine.activeControls.map(ControlTranslation.info),
            history: .init(in: total[.injected].history.map(Int.init), out: total[.delivered].history.map(Int.init)))
    }
}

extension NodeSnapshotBuilder {
    /// The builder for the node whose state is `core`, with its listeners' `inbound` figures.
    init(core: NodeCore, inbound: InboundGate.Statistics?, uptime: Double, spool: Spool, spoolDirectory: String,
         now: Instant) {
        var refused = Dictionary(uniqueKeysWithValues: (inbound?.refused ?? [:]).map { ($0.key.rawValue, $0.value) })
        if let memory = inbound?.refusedForMemory, memory > 0 { refused["smtp-in-message-memory"] = memory }
        self.init(engine: core.engine, inboundConnections: inbound?.open ?? 0, refusedInbound: refused,
                  configuration: core.configuration, hostName: core.hostName, uptime: uptime,
                  messagesReceived: core.messagesReceived, spool: spool, spoolDirectory: spoolDirectory, now: now)
    }
}
