import SluiceConfig
import SluiceControlProtocol
import SluiceCore

/// The DNS blocklist watch as a pure state machine: it says which names to look up each round
/// and turns a round's verdicts into ``BlocklistEffect``s — events on transitions (listed,
/// cleared, refused, failing), the zones' commands, and a pause of a vmta while a zone with
/// `action=pause` lists it (resumed when no such zone does). The node performs the lookups and
/// the effects (`MailNode+Blocklist.swift`); time comes in with each input.
struct BlocklistWatch: Sendable {
    /// One vmta whose source address is watched.
    struct Target: Hashable, Sendable {
        /// The vmta.
        var vmta: String
        /// Its `smtp-source-host` address.
        var address: IPAddress
    }

    /// One lookup of a round: a vmta's address in a zone.
    struct Lookup: Hashable, Sendable {
        /// The vmta and its address.
        var target: Target
        /// The zone's index in the settings.
        var zoneIndex: Int
        /// The name to look up (A).
        var name: String
    }

    /// One lookup's verdict.
    struct Result: Hashable, Sendable {
        /// The lookup.
        var lookup: Lookup
        /// What it found.
        var verdict: BlocklistVerdict
    }

    /// What the watch last saw for one vmta in one zone, when it was not "clear".
    private enum Seen: Hashable {
        case refused(answer: String)
        case failed
    }

    private struct Key: Hashable {
        var vmta: String
        var zone: String
    }

    /// The block's settings.
    let settings: BlocklistWatchSettings
    /// The watched vmtas (those with a source address), by name.
    let targets: [Target]
    /// When the next round is due.
    private(set) var nextRound: Instant
    /// Current listings by vmta, in zone order.
    private(set) var listings: [String: [BlocklistListing]] = [:]
    /// Refusals and failures, reported once until they change.
    private var seen: [Key: Seen] = [:]
    /// Vmtas the watch wants paused.
    private var pausing: Set<String> = []
    /// False until the first round has finished (it also ends a pause left by a previous run).
    private var reconciled = false

    /// A watch over the configured vmtas with a source address; the first round is due at `now`.
    init(settings: BlocklistWatchSettings, configuration: ConfigModel, now: Instant) {
        self.settings = settings
        targets = configuration.virtualMTAs.values.compactMap { vmta in
            vmta.sourceAddress.map { Target(vmta: vmta.name, address: $0) }
        }.sorted { $0.vmta < $1.vmta }
        nextRound = now
    }

    /// The lookups of a round: every target in every zone.
    var lookups: [Lookup] {
        targets.flatMap { target in
            settings.zones.indices.map { index in
                Lookup(target: target, zoneIndex: index,
                       name: BlocklistQueryName.name(for: target.address, zone: settings.zones[index].name))
            }
        }
    }

    /// Takes a round's verdicts (started at ``nextRound``), schedules the next round an interval
    /// after it, and returns what to do.
    mutating func roundFinished(_ results: [Result], now: Instant) -> [BlocklistEffect] {
        var effects: [BlocklistEffect] = []
        for result in results where settings.zones.indices.contains(result.lookup.zoneIndex) {
            note(result, zone: settings.zones[result.lookup.zoneIndex], now: now, into: &effects)
        }
        for target in targets { updatePause(of: target.vmta, into: &effects) }
        reconciled = true
        nextRound = max(nextRound + settings.interval, now)
        return effects
    }

    private mutating func note(_ result: Result, zone: BlocklistZone, now: Instant, into effects: inout [BlocklistEffect]) {
        let target = result.lookup.target, key = Key(vmta: target.vmta, zone: zone.name)
        let current = listings[target.vmta]?.first { $0.zone == zone.name }
        switch result.verdict {
        case .listed(let answer, let meaning):
            seen[key] = nil
            guard current?.answer != answer else { return }
            let listing = BlocklistListing(zone: zone.name, answer: answer, meaning: meaning, action: zone.action.rawValue,
                                           since: current?.since ?? Self.seconds(now))
            var list = (listings[target.vmta] ?? []).filter { $0.zone != zone.name } + [listing]
            list.sort { settings.zones.firstIndex(ofName: $0.zone) < settings.zones.firstIndex(ofName: $1.zone) }
            listings[target.vmta] = list
            let detail = "\(target.vmta) (\(target.address)) is listed on \(zone.name): \(answer) (\(meaning))"
                + (zone.action == .pause ? "; pausing it" : "")
            effects.append(.publish(Self.event("blocklist-listed", target, zone: zone.name, detail: detail, now: now)))
            effects.append(.log("blocklist-watch: \(detail)"))
            command(zone, "listed", target, answer: answer, meaning: meaning, into: &effects)
        case .clear:
            seen[key] = nil
            guard let current else { return }
            listings[target.vmta]?.removeAll { $0.zone == zone.name }
            if listings[target.vmta]?.isEmpty == true { listings[target.vmta] = nil }
            let detail = "\(target.vmta) (\(target.address)) is no longer listed on \(zone.name) (was \(current.answer))"
            effects.append(.publish(Self.event("blocklist-cleared", target, zone: zone.name, detail: detail, now: now)))
            effects.append(.log("blocklist-watch: \(detail)"))
            command(zone, "cleared", target, answer: "", meaning: "", into: &effects)
        case .refused(let answer, let meaning):
            guard seen[key] != .refused(answer: answer) else { return }
            seen[key] = .refused(answer: answer)
            let detail = "\(zone.name) refused the query for \(target.vmta) (\(target.address)): \(answer) (\(meaning)); "
                + "not a listing — use a resolver of your own for DNSBL queries (dns-server)"
            effects.append(.publish(Self.event("blocklist-refused", target, zone: zone.name, detail: detail, now: now)))
            effects.append(.log("blocklist-watch: \(detail)"))
        case .failed(let reason):
            guard seen[key] != .failed else { return }
            seen[key] = .failed
            let detail = "lookup of \(result.lookup.name) failed: \(reason); the last state is kept"
            effects.append(.publish(Self.event("blocklist-error", target, zone: zone.name, detail: detail, now: now)))
            effects.append(.log("blocklist-watch: \(detail)"))
        }
    }

    /// Pauses a vmta when a pausing zone starts listing it and resumes it when none does (on the
    /// first round also when it was never paused: a pause left by a previous run then ends).
    private mutating func updatePause(of vmta: String, into effects: inout [BlocklistEffect]) {
        let reasons = (listings[vmta] ?? []).filter { $0.action == BlocklistZone.Action.pause.rawValue }
        if let first = reasons.first {
            guard !pausing.contains(vmta) else { return }
            pausing.insert(vmta)
            effects.append(.pause(vmta: vmta, reason: "blocklist-watch: listed on \(first.zone): \(first.answer) (\(first.meaning))"))
        } else if pausing.contains(vmta) || !reconciled {
            pausing.remove(vmta)
            effects.append(.resume(vmta: vmta, reason: "blocklist-watch: no longer listed by a zone with action=pause"))
        }
    }

    private func command(_ zone: BlocklistZone, _ event: String, _ target: Target, answer: String, meaning: String,
                         into effects: inout [BlocklistEffect]) {
        guard let configured = zone.command else { return }
        effects.append(.runCommand(BlocklistCommand(configured: configured, event: event, vmta: target.vmta,
                                                    address: target.address.description, zone: zone.name,
                                                    answer: answer, meaning: meaning)))
    }

    /// An event of the watch: the queue `*/VMTA`, the source address as the recipient, the zone
    /// as the category.
    private static func event(_ kind: String, _ target: Target, zone: String, detail: String, now: Instant) -> EventRecord {
        EventRecord(time: seconds(now), kind: kind, queue: "*/\(target.vmta)", recipient: target.address.description,
                    code: 0, dsnDiag: detail, category: zone)
    }

    private static func seconds(_ instant: Instant) -> Double { Double(instant.milliseconds) / 1000 }
}

extension [BlocklistZone] {
    /// The position of the zone named `name`, or the end.
    fileprivate func firstIndex(ofName name: String) -> Int { firstIndex { $0.name == name } ?? count }
}
