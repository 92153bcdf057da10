import Testing
@testable import SluiceConfig

@Suite("<suppression> block")
struct SuppressionConfigTests {
    @Test("without a block: on, reject, global, hard bounces and complaints, the file in the spool directory")
    func defaults() {
        let result = load("spool /var/spool/sluice\n")
        #expect(result.diagnostics.isEmpty)
        let settings = result.model.suppression
        #expect(settings.enabled && settings.action == .reject && settings.scope == .global && settings.suppressComplaints)
        #expect(settings.suppressCategories == [.badMailbox, .badDomain, .inactiveMailbox])
        #expect(settings.databasePath(spoolDirectory: "/var/spool/sluice") == "/var/spool/sluice/suppression.sqlite")
    }

    @Test("every directive parsed; a relative database is in the spool directory")
    func directives() {
        let result = load("""
            <suppression>
                database lists/suppression.db   # relative
                action drop
                scope Sender-Domain
                suppress-categories bad-mailbox, quota-issues,bad-domain
                suppress-complaints no
                enabled yes
            </suppression>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let settings = result.model.suppression
        #expect(settings.action == .drop && settings.scope == .senderDomain && !settings.suppressComplaints)
        #expect(settings.suppressCategories == [.badMailbox, .quotaIssues, .badDomain])
        #expect(settings.databasePath(spoolDirectory: "/s") == "/s/lists/suppression.db")
        #expect(settings.location?.line == 1)
        let off = load("<suppression>\n enabled no\n suppress-categories none\n database /abs/x.sqlite\n</suppression>\n").model.suppression
        #expect(!off.enabled && off.suppressCategories.isEmpty && off.databasePath(spoolDirectory: "/s") == "/abs/x.sqlite")
    }

    @Test("bad values are errors at FILE:LINE:COL with a hint; unknown directives name the nearest")
    func errors() {
        let result = load("""
            <suppression>
                action bounce
                scope domain
                suppress-categories bad-mailbox,bad-mailbx,success
                suppress-complaints maybe
                suppres-complaints yes
                <domain x.example>
                </domain>
            </suppression>
            <suppression>
            </suppression>
            """)
        #expect(lines(result) == [
            "t.conf:2:12: error: invalid value for 'action': expected reject (550 5.7.1 at RCPT) or drop (accept, then drop "
                + "with a b record), found 'bounce'",
            "t.conf:3:11: error: invalid value for 'scope': expected global, sender-domain or job, found 'domain'",
            "t.conf:4:37: error: invalid value for 'suppress-categories': 'bad-mailbx' is not a bounce category; did you mean "
                + "'bad-mailbox'? (standard categories such as bad-mailbox, bad-domain, inactive-mailbox)",
            "t.conf:4:48: error: invalid value for 'suppress-categories': 'success' is not a bounce category "
                + "(standard categories such as bad-mailbox, bad-domain, inactive-mailbox)",
            "t.conf:5:25: error: invalid value for 'suppress-complaints': expected yes or no (also true/false), found 'maybe'",
            "t.conf:6:5: warning: unknown directive 'suppres-complaints' in <suppression>; did you mean 'suppress-complaints'?",
            "t.conf:7:5: error: '<domain>' may not appear inside '<suppression>'",
            "t.conf:10:1: error: only one <suppression> block is allowed; the first is at t.conf:1:1",
        ])
        // The block's good values stand; the bad ones keep their defaults.
        #expect(result.model.suppression.action == .reject)
        #expect(result.model.suppression.suppressCategories == [.badMailbox, .badDomain, .inactiveMailbox])
    }
}
