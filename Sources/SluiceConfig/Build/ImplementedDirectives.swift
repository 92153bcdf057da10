extension ModelBuilder {
    /// Every PowerMTA block and directive Sluice implements, by where it is written: the
    /// "Implemented" table of docs/pmta-compat.md lists each (a test checks), next to the
    /// directives accepted without effect and those not supported (``PowerMTACompatibility``).
    static var implemented: [(context: String, names: [String])] {
        [
            ("top level", globalDirectives),
            // Blocks parsed only until their processing exists are in PowerMTACompatibility's table.
            ("blocks", topLevelBlocks.map { "<\($0)>" }.filter { PowerMTACompatibility.table[$0] == nil }),
            ("<source>", sourceDirectives),
            ("<domain>", DomainDirective.all.map(\.name) + DomainDirective.aliases.keys.sorted()),
            ("<virtual-mta>", virtualMTADirectives),
            ("<virtual-mta-pool>", poolDirectives),
            ("<smtp-listener>", listenerDirectives),
            ("<acct-file>", acctFileDirectives),
            ("<spool>", spoolDirectives),
            ("<smtp-user>", smtpUserDirectives),
            ("<source-group>", sourceGroupDirectives),
            ("<rewrite-list>", rewriteListDirectives),
            ("<smtp-pattern-list>", ["reply"]),
            ("<mx-rollup-list>", ["mx"]),
            ("<pattern-list>", PatternListField.allCases.map(\.rawValue)),
            ("<suppression>", suppressionDirectives),
            ("<warmup-schedule>", warmupDirectives),
            ("<blocklist-watch>", blocklistWatchDirectives),
            ("<cluster>", clusterDirectives),
        ]
    }
}
