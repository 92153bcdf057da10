import SluiceConfig
import SluiceCore
import SluiceDNS

/// The `<blocklist-watch>` on the node: each round looks up every watched name through the
/// node's resolver (the `dns-server`), hands the verdicts to the pure ``BlocklistWatch`` and
/// performs its effects. The watch's pauses are controls like an operator's, set by
/// ``blocklistActor``; it ends only those.
extension MailNode {
    /// The `who` of the controls the watch sets.
    static let blocklistActor = "blocklist-watch"

    /// Starts the rounds (the first at once) when the configuration has a `<blocklist-watch>`.
    func startBlocklistWatch() {
        guard blocklist != nil, blocklistRounds == nil else { return }
        blocklistRounds = Task { await self.runBlocklistRounds() }
    }

    /// Stops the rounds (at shutdown).
    func stopBlocklistWatch() {
        blocklistRounds?.cancel()
    }

    /// The vmtas some zone lists now.
    private var listedVMTAs: Set<String> {
        Set((blocklist?.listings ?? [:]).filter { !$0.value.isEmpty }.keys)
    }

    private func runBlocklistRounds() async {
        let clock = options.clock, querier = self.querier
        while !Task.isCancelled, let watch = blocklist {
            do { try await clock.sleep(until: watch.nextRound) } catch { return }
            let results = await Self.lookUp(watch.lookups, zones: watch.settings.zones, querier: querier)
            guard !Task.isCancelled, !core.stopping else { return }
            let listedBefore = listedVMTAs
            let effects = blocklist?.roundFinished(results, now: now) ?? []
            performBlocklist(effects)
            // A warming vmta's schedule holds while any zone lists it (docs/config.md, warm-up).
            let listedAfter = listedVMTAs
            for vmta in listedAfter.symmetricDifference(listedBefore) { setListed(vmta: vmta, listed: listedAfter.contains(vmta)) }
        }
    }

    /// Every lookup of a round, at the same time.
    private static func lookUp(_ lookups: [BlocklistWatch.Lookup], zones: [BlocklistZone],
                               querier: any DNSQuerying) async -> [BlocklistWatch.Result] {
        await withTaskGroup(of: BlocklistWatch.Result.self) { group in
            for lookup in lookups {
                group.addTask {
                    let zone = zones[lookup.zoneIndex]
                    return BlocklistWatch.Result(lookup: lookup,
                                                 verdict: BlocklistVerdict(await querier.addressRecords(of: lookup.name), zone: zone))
                }
            }
            var results: [BlocklistWatch.Result] = []
            for await result in group { results.append(result) }
            return results
        }
    }

    func performBlocklist(_ effects: [BlocklistEffect]) {
        for effect in effects {
            switch effect {
            case .publish(let event): events.publish(event)
            case .log(let line): log(line)
            case .pause(let vmta, let reason): blocklistPause(vmta, reason: reason)
            case .resume(let vmta, let reason): blocklistResume(vmta, reason: reason)
            case .runCommand(let command): BlocklistCommandRunner.start(command, log: options.log)
            }
        }
    }

    /// Pauses `vmta` unless some pause of it is active already (an operator's stays as it is).
    private func blocklistPause(_ vmta: String, reason: String) {
        if let existing = core.engine.activeControls.first(where: { $0.kind == .pause(.vmta(vmta)) }) {
            log("blocklist-watch: \(vmta) is already paused (\(existing)); the watch leaves that pause alone")
            return
        }
        let request = ControlRequest(who: Self.blocklistActor, why: reason, client: Self.blocklistActor)
        do { perform(try core.apply(.pause(target: .vmta(vmta)), request: request, now: now)) } catch {
            log("blocklist-watch: cannot pause \(vmta): \(error)")
        }
    }

    /// Ends the watch's own pauses of `vmta`, if any.
    private func blocklistResume(_ vmta: String, reason: String) {
        let mine = core.engine.activeControls.filter { $0.kind == .pause(.vmta(vmta)) && $0.who == Self.blocklistActor }
        for control in mine {
            let request = ControlRequest(who: Self.blocklistActor, why: reason, client: Self.blocklistActor)
            do {
                perform(try core.apply(.cancelControl(id: String(control.id)), request: request, now: now))
                log("blocklist-watch: resumed \(vmta) (\(reason))")
            } catch {
                log("blocklist-watch: cannot resume \(vmta): \(error)")
            }
        }
    }
}
