import Testing
@testable import SluiceConfig

@Suite("<blocklist-watch> block")
struct BlocklistWatchConfigTests {
    @Test("no block: no watch; an empty block: Spamhaus ZEN, Barracuda and SpamCop with their codes, every 5m, notify only")
    func defaults() throws {
        #expect(load("spool /s\n").model.blocklistWatch == nil)
        let result = load("<blocklist-watch>\n</blocklist-watch>\n")
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let watch = try #require(result.model.blocklistWatch)
        #expect(watch.zones.map(\.name) == ["zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net"])
        #expect(watch.zones.allSatisfy { $0.action == .notify && $0.command == nil })
        #expect(watch.interval == .minutes(5))
        let zen = watch.zones[0].returnCodes
        #expect(zen.first { $0.contains(0x7F00_0002) }?.meaning == "SBL")
        #expect(zen.first { $0.contains(0x7F00_0006) }?.meaning == "XBL")
        #expect(zen.first { $0.contains(0x7F00_000B) }?.meaning == "PBL")
        #expect(zen.first { $0.contains(0x7F00_0009) }?.meaning == "SBL DROP")
        #expect(!zen.contains { $0.contains(0x7FFF_FFFE) })
        #expect(watch.zones[1].returnCodes.map(\.meaning) == ["BRBL"] && watch.zones[2].returnCodes.map(\.meaning) == ["SCBL"])
    }

    @Test("zone lines with action and a quoted command, in file order; names lowercased; interval")
    func zones() throws {
        let result = load("""
            <blocklist-watch>
                zone ZEN.spamhaus.org. action=pause   # listed: stop sending
                zone dnsbl.example.net command="/usr/local/bin/listed --mail ops" action=notify
                interval 90s
            </blocklist-watch>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let watch = try #require(result.model.blocklistWatch)
        #expect(watch.zones.map(\.name) == ["zen.spamhaus.org", "dnsbl.example.net"])
        #expect(watch.zones.map(\.action) == [.pause, .notify])
        #expect(watch.zones[0].returnCodes == BlocklistReturnCode.known["zen.spamhaus.org"])
        #expect(watch.zones[1].returnCodes.isEmpty)
        #expect(watch.zones[1].command == "/usr/local/bin/listed --mail ops")
        #expect(watch.zones[0].location?.line == 2 && watch.location.line == 1)
        #expect(watch.interval == .seconds(90))
    }

    @Test("bad lines are errors at FILE:LINE:COL with a hint; an unknown directive names the nearest")
    func errors() {
        let result = load("""
            <blocklist-watch>
                zone bl.spamcop.net action=PAUSE
                zone BL.SPAMCOP.NET.
                zone zen.spamhaus.org action=stop
                zone bl.example command=
                zone localhost
                zone b.barracudacentral.org acton=pause
                interval 0s
                intervall 5m
                zone
            </blocklist-watch>
            <blocklist-watch>
            </blocklist-watch>
            """)
        #expect(lines(result) == [
            "t.conf:3:10: error: zone 'bl.spamcop.net' is already watched (at t.conf:2:5); give each zone one line",
            "t.conf:4:27: error: invalid value for 'action': expected notify (report only) or pause (pause the listed vmta "
                + "until the listing clears), found 'stop'",
            "t.conf:5:21: error: 'command=' needs a program, e.g. command=/usr/local/bin/listed.sh (quote it when it has spaces)",
            "t.conf:6:10: error: invalid zone 'localhost': expected a DNS zone such as zen.spamhaus.org (options follow it, "
                + "e.g. action=pause)",
            "t.conf:7:33: error: unknown option 'acton' of 'zone'; did you mean 'action'? (options: action=notify|pause, "
                + "command=PROGRAM)",
            "t.conf:8:14: error: invalid value for 'interval': expected an interval of at least 1s such as 5m, found '0s'",
            "t.conf:9:5: warning: unknown directive 'intervall' in <blocklist-watch>; did you mean 'interval'?",
            "t.conf:10:5: error: 'zone' needs a DNS blocklist zone, e.g. zone zen.spamhaus.org action=pause",
            "t.conf:12:1: error: only one <blocklist-watch> block is allowed; the first is at t.conf:1:1",
        ])
        #expect(result.model.blocklistWatch?.zones.map(\.name) == ["bl.spamcop.net"])
        #expect(result.model.blocklistWatch?.zones.first?.action == .pause)
    }
}
