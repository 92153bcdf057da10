import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import SluiceDNS
@testable import SluiceServer
import Testing

/// ``BlocklistWatch`` (pure): the lookups of a round, and a round's verdicts to events, pauses,
/// resumes and commands, on transitions only; ``BlocklistVerdict`` and ``BlocklistQueryName``.
@Suite("Blocklist watch: the pure state machine")
struct BlocklistWatchTests {
    static let start = Instant(milliseconds: 1_000_000)

    static func watch(zones: String = "zone zen.spamhaus.org action=pause\n zone bl.example command=/bin/notify\n")
        throws -> BlocklistWatch {
        let result = ConfigLoader.load(text: """
            <virtual-mta v1>
                smtp-source-host 127.0.0.10 v1.test
            </virtual-mta>
            <virtual-mta v2>
                smtp-source-host 2001:db8::1 v2.test
            </virtual-mta>
            <virtual-mta nosource>
            </virtual-mta>
            <blocklist-watch>
            \(zones)
                interval 5m
            </blocklist-watch>
            """, fileName: "t.conf")
        #expect(result.errors.isEmpty, "\(result.errors)")
        let settings = try #require(result.model.blocklistWatch)
        return BlocklistWatch(settings: settings, configuration: result.model, now: start)
    }

    /// The round's results: `verdicts` by (vmta, zone), every other lookup clear.
    static func results(_ watch: BlocklistWatch, _ verdicts: [String: BlocklistVerdict]) -> [BlocklistWatch.Result] {
        watch.lookups.map { lookup in
            let key = "\(lookup.target.vmta) \(watch.settings.zones[lookup.zoneIndex].name)"
            return BlocklistWatch.Result(lookup: lookup, verdict: verdicts[key] ?? .clear)
        }
    }

    static func kinds(_ effects: [BlocklistEffect]) -> [String] {
        effects.compactMap { effect in
            switch effect {
            case .publish(let event): return "\(event.kind) \(event.queue) \(event.category)"
            case .pause(let vmta, _): return "pause \(vmta)"
            case .resume(let vmta, _): return "resume \(vmta)"
            case .runCommand(let command): return "command " + command.arguments.joined(separator: " ")
            case .log: return nil
            }
        }
    }

    @Test("a round looks up every vmta with a source address in every zone, octets or nibbles reversed")
    func lookups() throws {
        let watch = try Self.watch()
        #expect(watch.lookups.map(\.name) == [
            "10.0.0.127.zen.spamhaus.org", "10.0.0.127.bl.example",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org",
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example",
        ])
        #expect(watch.nextRound == Self.start)
    }

    @Test("listed on a pausing zone: event and pause naming zone and answer; kept listed: nothing new; cleared: event and resume")
    func listedThenCleared() throws {
        var watch = try Self.watch()
        // The first round resumes a pause a previous run may have left (the node ends only the watch's own).
        #expect(Self.kinds(watch.roundFinished(Self.results(watch, [:]), now: Self.start)) == ["resume v1", "resume v2"])
        #expect(watch.nextRound == Self.start + .minutes(5))

        let listed = BlocklistVerdict.listed(answer: "127.0.0.2", meaning: "SBL")
        let t1 = Self.start + .minutes(5)
        let effects = watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": listed]), now: t1)
        #expect(Self.kinds(effects) == ["blocklist-listed */v1 zen.spamhaus.org", "pause v1"])
        #expect(effects.contains(.pause(vmta: "v1", reason: "blocklist-watch: listed on zen.spamhaus.org: 127.0.0.2 (SBL)")))
        #expect(watch.listings["v1"] == [BlocklistListing(zone: "zen.spamhaus.org", answer: "127.0.0.2", meaning: "SBL",
                                                          action: "pause", since: Double(t1.milliseconds) / 1000)])

        #expect(Self.kinds(watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": listed]),
                                               now: t1 + .minutes(5))).isEmpty)
        #expect(Self.kinds(watch.roundFinished(Self.results(watch, [:]), now: t1 + .minutes(10)))
                == ["blocklist-cleared */v1 zen.spamhaus.org", "resume v1"])
        #expect(watch.listings.isEmpty)
    }

    @Test("a notify zone: event and command with vmta, address, zone and answer; no pause")
    func notifyZoneRunsCommand() throws {
        var watch = try Self.watch()
        _ = watch.roundFinished(Self.results(watch, [:]), now: Self.start)
        let effects = watch.roundFinished(Self.results(watch, ["v2 bl.example": .listed(answer: "127.0.0.3", meaning: "listed")]),
                                          now: Self.start + .minutes(5))
        #expect(Self.kinds(effects) == ["blocklist-listed */v2 bl.example",
                                        "command /bin/notify v2 2001:db8:0:0:0:0:0:1 bl.example 127.0.0.3"])
        guard case .runCommand(let command) = effects.last else { Issue.record("no command"); return }
        #expect(command.environment["SLUICE_BLOCKLIST_EVENT"] == "listed" && command.environment["SLUICE_MEANING"] == "listed")
        #expect(Self.kinds(watch.roundFinished(Self.results(watch, [:]), now: Self.start + .minutes(10)))
                == ["blocklist-cleared */v2 bl.example", "command /bin/notify v2 2001:db8:0:0:0:0:0:1 bl.example "])
    }

    @Test("a refused query is reported once, is no listing and keeps the state; a failure keeps the listing")
    func refusedAndFailed() throws {
        var watch = try Self.watch()
        _ = watch.roundFinished(Self.results(watch, [:]), now: Self.start)
        let refused = BlocklistVerdict.refused(answer: "127.255.255.254", meaning: "query through a public or open resolver refused")
        let effects = watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": refused]), now: Self.start + .minutes(5))
        #expect(Self.kinds(effects) == ["blocklist-refused */v1 zen.spamhaus.org"])
        #expect(watch.listings.isEmpty)
        #expect(Self.kinds(watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": refused]),
                                               now: Self.start + .minutes(10))).isEmpty)

        let listed = BlocklistVerdict.listed(answer: "127.0.0.4", meaning: "XBL")
        _ = watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": listed]), now: Self.start + .minutes(15))
        let failed = watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": .failed("timed out")]),
                                         now: Self.start + .minutes(20))
        #expect(Self.kinds(failed) == ["blocklist-error */v1 zen.spamhaus.org"])
        #expect(watch.listings["v1"]?.map(\.answer) == ["127.0.0.4"])
        #expect(Self.kinds(watch.roundFinished(Self.results(watch, ["v1 zen.spamhaus.org": refused]),
                                               now: Self.start + .minutes(25))) == ["blocklist-refused */v1 zen.spamhaus.org"])
        #expect(watch.listings["v1"]?.map(\.answer) == ["127.0.0.4"])
    }

    @Test("a late round schedules the next one from now, never in the past")
    func lateRound() throws {
        var watch = try Self.watch()
        _ = watch.roundFinished(Self.results(watch, [:]), now: Self.start + .minutes(12))
        #expect(watch.nextRound == Self.start + .minutes(12))
        _ = watch.roundFinished(Self.results(watch, [:]), now: Self.start + .minutes(13))
        #expect(watch.nextRound == Self.start + .minutes(17))
    }

    @Test("verdicts: NXDOMAIN clear, codes named, 127.255.255.x refused, answers outside 127/8 refused, failures")
    func verdicts() {
        let zen = BlocklistZone(name: "zen.spamhaus.org"), other = BlocklistZone(name: "bl.example")
        #expect(BlocklistVerdict(.noSuchName, zone: zen) == .clear)
        #expect(BlocklistVerdict(.noRecords, zone: zen) == .clear)
        #expect(BlocklistVerdict(.records(["127.0.0.2", "127.0.0.4"]), zone: zen)
                == .listed(answer: "127.0.0.2,127.0.0.4", meaning: "SBL, XBL"))
        #expect(BlocklistVerdict(.records(["127.0.0.10"]), zone: zen) == .listed(answer: "127.0.0.10", meaning: "PBL"))
        #expect(BlocklistVerdict(.records(["127.0.0.2"]), zone: other) == .listed(answer: "127.0.0.2", meaning: "listed"))
        #expect(BlocklistVerdict(.records(["127.255.255.254"]), zone: zen)
                == .refused(answer: "127.255.255.254", meaning: "query through a public or open resolver refused"))
        #expect(BlocklistVerdict(.records(["127.255.255.255"]), zone: zen)
                == .refused(answer: "127.255.255.255", meaning: "excessive number of queries"))
        #expect(BlocklistVerdict(.records(["127.255.255.252"]), zone: zen)
                == .refused(answer: "127.255.255.252", meaning: "typo in the zone name or a malformed query"))
        #expect(BlocklistVerdict(.records(["198.51.100.7"]), zone: other)
                == .refused(answer: "198.51.100.7", meaning: "not a blocklist answer (outside 127.0.0.0/8)"))
        #expect(BlocklistVerdict(.failed("SERVFAIL"), zone: zen) == .failed("SERVFAIL"))
    }
}
