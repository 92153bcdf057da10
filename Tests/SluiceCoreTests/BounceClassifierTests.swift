import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("Bounce classifier and reply parsing")
struct BounceClassifierTests {
    let stock = BounceClassifier()

    @Test("every stock pattern compiles")
    func stockCompiles() {
        #expect(BounceClassifier.stockRules.count == BounceClassifier.stockPatterns.count)
        #expect(stock.rules == BounceClassifier.stockRules)
    }

    @Test("the stock list classifies common replies", arguments: [
        ("550 5.1.1 <x@y.example>: user unknown", BounceCategory.badMailbox),
        ("552 5.2.2 mailbox full", .quotaIssues),
        ("554 5.7.1 Message rejected as spam", .spamRelated),
        ("550 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org", .spamRelated),
        ("550 5.1.1 sorry", .badMailbox),
        ("550 5.2.1 The email account that you tried to reach is disabled", .inactiveMailbox),
        ("553 5.1.8 sender address rejected: domain must exist", .invalidSender),
        ("554 5.4.4 unable to route", .routingErrors),
        ("550 5.7.1 relaying denied", .relayingIssues),
        ("421 4.7.0 try again later", .policyRelated),
        ("554 5.6.0 something odd", .contentRelated),
        ("500 syntax error, command unrecognized", .protocolErrors),
        ("599 nothing known here", .other),
    ])
    func classifies(reply: String, category: BounceCategory) {
        #expect(stock.classify(SMTPReply(reply)) == category)
    }

    @Test("configured rules replace the stock list; the catch-all is other")
    func customRules() throws {
        let rules = [BounceCategoryRule(regex: try PatternRegex("greylist"), category: .policyRelated)]
        let c = BounceClassifier(rules: rules)
        #expect(c.classify(SMTPReply("451 4.7.1 greylisted")) == .policyRelated)
        #expect(c.classify(SMTPReply("550 5.1.1 user unknown")) == .other)
    }

    /// PowerMTA's stock list as its sample configuration writes it: `success` for 2xx status
    /// codes, and `//` as the last, catch-all line.
    @Test("PowerMTA's stock-list idioms: success never categorises a bounce, // matches everything")
    func stockListIdioms() throws {
        let loaded = ConfigLoader.load(text: """
        <bounce-category-patterns>
            /^2.\\d+.\\d+;/ success
            /spam/ spam-related
            // other # catch-all
        </bounce-category-patterns>
        """, fileName: "t.conf")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let c = BounceClassifier(rules: loaded.model.bounceCategoryRules)
        #expect(c.rules.map(\.category) == [.success, .spamRelated, .other])
        #expect(c.classify(SMTPReply("550 2.0.0 oddly coded refusal")) == .other)
        #expect(c.classify(SMTPReply("554 5.7.1 spam detected")) == .spamRelated)
        #expect(c.classify(SMTPReply("550 5.1.1 user unknown")) == .other)
        #expect(try PatternRegex("").matches("anything at all"))
        #expect(try PatternRegex("").matches(""))
    }

    @Test("replies parse into code and enhanced status")
    func parsing() {
        let r = SMTPReply("421-4.7.0 [TS01] deferred")
        #expect(r.code == 421 && r.enhancedStatus == "4.7.0" && r.severity == .transientFailure)
        #expect(SMTPReply("250 ok").enhancedStatus == nil)
        #expect(SMTPReply("250 ok").severity == .positiveCompletion)
        #expect(SMTPReply("550 5.1.10 gone").enhancedStatus == "5.1.10")
        #expect(SMTPReply("550 5.1.1234 gone").enhancedStatus == nil)
        #expect(SMTPReply("hello").code == 0)
        #expect(SMTPReply("hello").severity == .transientFailure)
        #expect(SMTPReply("").code == 0)
        #expect(SMTPReply("5").code == 0)
    }
}
