import Testing
@testable import SluiceConfig

@Suite("<source-group> and source-group in <source>")
struct SourceGroupTests {
    @Test("a group's limits and the sources naming it are in the model")
    func sourceGroupParsed() throws {
        let result = load("""
        total-max-smtp-in 100
        <source 10.0.0.0/8>
            source-group bulk
        </source>
        <source-group bulk>
            max-smtp-in 20
            reserved-smtp-in 5
        </source-group>
        <source-group open>
            max-smtp-in unlimited
        </source-group>
        """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let bulk = try #require(result.model.sourceGroups["bulk"])
        #expect(bulk.maxSMTPIn == 20)
        #expect(bulk.reservedSMTPIn == 5)
        #expect(bulk.location.line == 5)
        #expect(result.model.sourceGroups["open"]?.maxSMTPIn == nil)
        #expect(result.model.sources.first?.sourceGroup == "bulk")
    }

    @Test("an undefined group is an error where it is named; bad values, duplicates and unknown directives are reported")
    func sourceGroupErrors() {
        let result = load("""
        total-max-smtp-in 10
        <source 0/0>
            source-group bulks
        </source>
        <source-group bulk>
            max-smtp-in 0
            reserved-smtp-in 12
            max-smtp-out 3
            reserved-smtp-in -1
        </source-group>
        <source-group bulk>
        </source-group>
        <source-group small>
            max-smtp-in 2
            reserved-smtp-in 3
        </source-group>
        """)
        #expect(lines(result) == [
            "t.conf:3:18: error: source-group names an undefined <source-group> 'bulks'; did you mean 'bulk'?",
            "t.conf:5:1: warning: the source groups reserve 15 connection(s), all of total-max-smtp-in 10: "
                + "clients outside them can never connect",
            "t.conf:6:17: error: invalid value for 'max-smtp-in': expected a number of connections such as 200, "
                + "or unlimited, found '0'",
            "t.conf:8:5: warning: 'max-smtp-out' is a <domain> directive; put it inside <domain *> within this <source-group>",
            "t.conf:9:22: error: invalid value for 'reserved-smtp-in': expected a number of connections such as 20, "
                + "found '-1'",
            "t.conf:11:15: error: duplicate source-group 'bulk'; first defined at t.conf:5:1",
            "t.conf:15:5: warning: reserved-smtp-in 3 is more than the group's max-smtp-in 2: at most 2 of the "
                + "reserved connections can be used",
        ])
    }
}
