import SluiceBase
import SluiceConfig
import Testing
@testable import SluiceSandbox

@Suite("Profile format")
struct ProfileParserTests {
    @Test("the four shipped profiles are found as package resources and parse", arguments: ProfileLibrary.shippedNames)
    func shippedProfilesParse(name: String) throws {
        let library = ProfileLibrary()
        let url = try #require(library.locate(name))
        #expect(url.path.hasSuffix("Profiles/\(name).profile"))
        let loaded = try library.load(name)
        #expect(loaded.name == name)
        #expect(loaded.greeting.code == 220)
        #expect(loaded.unknownUsers != nil)
    }

    @Test("a profile with CRLF or CR line ends parses to the same profile as its LF copy", arguments: ProfileLibrary.shippedNames)
    func lineEnds(name: String) throws {
        let url = try #require(ProfileLibrary().locate(name))
        let text = try String(contentsOf: url, encoding: .utf8)
        let lf = try ProfileParser(file: "p").parse(text, name: name)
        for end in ["\r\n", "\r"] {
            let copy = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: end)
            #expect(try ProfileParser(file: "p").parse(copy, name: name) == lf)
        }
    }

    @Test("the shipped profiles are the data the issue describes")
    func shippedContent() throws {
        let gmail = try shipped("gmail")
        #expect(gmail.rateLimit?.rate == .limited(count: 20, per: .seconds(1)))
        #expect(gmail.rateLimit?.reply.code == 421 && gmail.rateLimit?.reply.enhancedStatus == "4.7.0")
        #expect(gmail.unknownUsers?.share == Share(partsPerMillion: 30_000))
        #expect(gmail.mailboxFull.map(\.reply.code).sorted() == [452, 552])
        let yahoo = try shipped("yahoo")
        #expect(yahoo.incidents.count == 1)
        #expect(yahoo.incidents[0].actions.first?.reply.text.contains("[TSS04]") == true)
        #expect(yahoo.rejectMessage?.reply.enhancedStatus == "5.7.9")
        let outlook = try shipped("outlook")
        #expect(outlook.rateLimit?.reply.enhancedStatus == "4.7.650")
        #expect(outlook.unknownUsers?.reply.description.hasPrefix("550 5.5.0 Requested action not taken: mailbox unavailable") == true)
        let generic = try shipped("generic")
        #expect(generic.greylist?.reply.enhancedStatus == "4.7.1")
        #expect(generic.greylist?.minimumWait == .minutes(1))
    }

    @Test("an unknown profile name is an error that lists the shipped ones")
    func missingProfile() {
        #expect(throws: ProfileLoadError.self) { try ProfileLibrary().load("aol") }
        let error = ProfileLoadError.notFound(name: "aol", searched: ["/x"])
        #expect(error.description.contains("shipped profiles: generic, gmail, outlook, yahoo"))
    }

    @Test("a full profile parses into the model")
    func fullProfile() throws {
        let p = try profile("""
        # comment
        hostname mx.test   # trailing comment
        greeting "220 {host} ESMTP"
        rate-limit per-source-ip 83/10m burst 5 at rcpt reply "421 4.7.0 [{ip}] slow down, try again later"
        unknown-users 2.5%
        mailbox-full 1% transient
        mailbox-full 0.25% permanent reply "552 5.2.2 full \\"really\\""
        greylist 10% min-wait 5m
        reject-message 0.1%
        slow-reply data 200ms..800ms
        slow-reply connect 1s
        <incident 2m-4m every 10m>
            defer-connection 50% reply "421 4.7.0 [TSS04] go away {ip}"
            defer-mail reply "451 4.3.2 busy"
        </incident>
        """)
        #expect(p.hostname == "mx.test")
        #expect(p.rateLimit == RateLimitRule(rate: .limited(count: 83, per: .minutes(10)), burst: 5, stage: .rcpt,
                                             reply: try ReplyTemplate(parsing: "421 4.7.0 [{ip}] slow down, try again later")))
        #expect(p.unknownUsers?.share.description == "2.5%")
        #expect(p.mailboxFull.map(\.permanent) == [false, true])
        #expect(p.mailboxFull[1].reply.text == "full \"really\"")
        #expect(p.greylist?.minimumWait == .minutes(5))
        #expect(p.rejectMessage?.share == Share(partsPerMillion: 1000))
        #expect(p.slowReplies[.data] == DelayRange(.init(milliseconds: 200), .init(milliseconds: 800)))
        #expect(p.slowReplies[.connect] == DelayRange(.seconds(1), .seconds(1)))
        #expect(p.incidents == [Incident(start: .minutes(2), end: .minutes(4), period: .minutes(10), actions: [
            IncidentAction(stage: .connect, share: Share(partsPerMillion: 500_000), reply: try ReplyTemplate(parsing: "421 4.7.0 [TSS04] go away {ip}")),
            IncidentAction(stage: .mail, share: .all, reply: try ReplyTemplate(parsing: "451 4.3.2 busy")),
        ])])
    }

    @Test("the built-in default replies parse")
    func defaults() throws {
        for template in Defaults.all {
            #expect(try ReplyTemplate(parsing: template.description) == template)
        }
    }

    /// Each bad line and the exact `LINE:COL: error:` prefix and message fragment it must give.
    static let errorCases: [(String, String, String)] = [
        ("hostnme mx.test", "1:1", "unknown directive 'hostnme'; did you mean 'hostname'?"),
        ("unknown-users 3", "1:15", "expected a percentage such as 3% or 0.5%, found '3'"),
        ("unknown-users 120%", "1:15", "found '120%'"),
        ("greeting \"220 ok", "1:10", "unterminated string"),
        ("greeting \"421 4.7.0 no\"", "1:11", "'greeting' needs a 2xx reply, found 421"),
        ("unknown-users 3% reply \"550 4.1.1 x\"", "1:29", "enhanced status 4.1.1 does not match the class of reply code 550"),
        ("unknown-users 3% reply \"550 5.1.1 no {user}\"", "1:38", "unknown placeholder '{user}'"),
        ("rate-limit per-source-ip 20/fortnight", "1:26", "expected a rate such as 50/s"),
        ("rate-limit per-ip 20/s", "1:12", "expected one of 'per-source-ip'"),
        ("rate-limit per-source-ip 20/s at helo", "1:34", "expected one of 'connect', 'mail', 'rcpt', 'data'"),
        ("rate-limit per-source-ip 20/s reply \"550 5.7.1 no\"", "1:38", "needs a 4xx reply, found 550"),
        ("mailbox-full 1% forever", "1:17", "expected one of 'transient', 'permanent'"),
        ("greylist 10% min-wait", "1:22", "'greylist' expects a duration such as 1m"),
        ("slow-reply data 800ms..fast", "1:17", "expected a delay such as 200ms or 200ms..800ms"),
        ("hostname mx.test extra", "1:18", "unexpected 'extra' after 'hostname'"),
        ("defer-connection reply \"421 4.7.0 x\"", "1:1", "it belongs inside <incident START-END>"),
        ("<incident 4m-2m>\ndefer-mail reply \"451 4.3.2 x\"\n</incident>", "1:11", "the window ends (2m) before it starts (4m)"),
        ("<incident 2m-4m every 1m>\n</incident>", "1:23", "the period 1m must be longer than the window (2m)"),
        ("<incident 2m-4m>\n</incident>", "1:1", "this incident does nothing"),
        ("<incident 2m-4m every>", "1:22", "'incident' expects a period such as 5m"),
        ("<incident 2m-4m>\n  defer-mail reply \"451 4.3.2 x\"\n", "1:1", "<incident> is not closed"),
        ("</incident>", "1:1", "closes no open block"),
        ("<incident 2m-4m\n", "1:16", "expected '>' to end the block tag"),
        ("<storm 2m-4m>", "1:2", "unknown block '<storm>'"),
        ("<incident 1m-2m>\n  defer-rcpt reply \"451 4.3.2 x\"\n</incident>", "2:3", "unknown directive 'defer-rcpt' inside <incident>; known: defer-connection, defer-mail"),
        ("hostname a\nhostname b", "2:1", "'hostname' is already set at line 1"),
        ("mailbox-full 1% transient\nmailbox-full 2% transient", "2:1", "already set"),
        ("mailbox-full 60% transient\nmailbox-full 50% permanent", "2:14", "add up to more than 100%"),
        ("greeting \"220 ok\\n\"", "1:17", "unknown escape"),
        ("greeting \"220 \(String(repeating: "x", count: 421))\"", "1:435", "reply text longer than 420 characters"),
        ("greeting \"220 a\tb\u{7}c\"", "1:18", "control character in reply text"),
        ("unknown-users 3% reply \"550 5.1.1a x\"", "1:29", "expected an enhanced status code such as 4.7.0, found '5.1.1a'"),
    ]

    @Test("bad profiles give FILE:LINE:COL errors", arguments: errorCases)
    func errors(text: String, position: String, fragment: String) {
        do {
            _ = try ProfileParser(file: "bad.profile").parse(text, name: "bad")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.description.hasPrefix("bad.profile:\(position): error: "), "\(error)")
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test("hostile input never crashes the parser: random bytes and random mutations of the shipped profiles")
    func hostileInput() throws {
        var random = SplitMix64(seed: 77)
        let alphabet = Array("<>/\"\\#{}%.-:ab 0123456789\t\nincident reply rate-limit greylist ٥é")
        let shippedTexts = try ProfileLibrary.shippedNames.map { name in
            try String(contentsOf: try #require(ProfileLibrary().locate(name)), encoding: .utf8)
        }
        var failures = 0
        for round in 0..<400 {
            var text: [Character]
            if round % 2 == 0 {
                text = (0..<Int(random.next(below: 200))).map { _ in alphabet[Int(random.next(below: UInt64(alphabet.count)))] }
            } else {
                text = Array(shippedTexts[round % shippedTexts.count])
                for _ in 0..<Int(random.next(below: 8)) + 1 where !text.isEmpty {
                    let at = Int(random.next(below: UInt64(text.count)))
                    text[at] = alphabet[Int(random.next(below: UInt64(alphabet.count)))]
                }
            }
            do { _ = try ProfileParser(file: "fuzz").parse(String(text), name: "fuzz") } catch {
                failures += 1
                #expect(error.location.line >= 1 && error.location.column >= 1)
            }
        }
        #expect(failures > 200)
    }

    @Test("shares parse exactly and print canonically")
    func shares() throws {
        #expect(try Share(parsing: "3%").partsPerMillion == 30_000)
        #expect(try Share(parsing: "0.5%").description == "0.5%")
        #expect(try Share(parsing: "100%") == .all)
        for bad in ["3", "-1%", "1.23456%", "%", "101%", "1e2%"] {
            #expect(throws: ValueError.self) { try Share(parsing: bad) }
        }
    }
}
