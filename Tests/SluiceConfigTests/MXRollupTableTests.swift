import SluiceConfig
import Testing

/// ``MXRollupTable``: which rolled-up queue a domain's MX host names choose.
@Suite("mx-rollup-list matching")
struct MXRollupTableTests {
    @Test("lists in file order, entries in order; the first entry matching any MX host wins; names lower case")
    func firstMatchingEntry() {
        let result = load("""
            <mx-rollup-list second>
                mx *.yahoodns.net Yahoo.Rollup
            </mx-rollup-list>
            <mx-rollup-list>
                mx *.outlook.com ms.rollup
                mx *.google.com gmail.rollup
            </mx-rollup-list>
            """)
        #expect(lines(result) == [])
        let table = result.model.mxRollupTable
        #expect(table.entries.map(\.queueName) == ["yahoo.rollup", "ms.rollup", "gmail.rollup"])
        #expect(table.queueNames == ["yahoo.rollup", "ms.rollup", "gmail.rollup"])
        #expect(table.queueName(forExchanges: ["ASPMX.L.GOOGLE.COM."]) == "gmail.rollup")
        // Both match: the earlier entry wins whatever the order of the hosts.
        #expect(table.queueName(forExchanges: ["alt1.aspmx.l.google.com", "mx1.mail.protection.outlook.com"]) == "ms.rollup")
        #expect(table.queueName(forExchanges: ["mta5.am0.yahoodns.net", "mx.outlook.com"]) == "yahoo.rollup")
        #expect(table.queueName(forExchanges: ["google.com", "mx.example.org"]) == nil)
        #expect(table.queueName(forExchanges: []) == nil)
        #expect(MXRollupTable([]).isEmpty)
    }
}
