import SluiceConfig
import SluiceSMTP
import Testing
@testable import SluiceServer

/// FromDomain reads the From field from the bytes; it must agree with reading it through
/// HeaderEditor (how it was first written), and the signing context's settings cache with the
/// configuration.
@Suite struct FromDomainTests {
    /// The first version: HeaderEditor's fields and Foundation's unfolding.
    static func throughHeaderEditor(_ content: [UInt8]) -> String? {
        guard let field = HeaderEditor(content: content).fields.first(where: { $0.name.lowercased() == "from" }) else {
            return nil
        }
        return FromDomain.domain(inAddressList: field.value)
    }

    static let messages = [
        "From: News <news@Brand.Example>\r\nTo: a@b.example\r\n\r\nbody\r\n",
        "To: a@b.example\r\nfrom:user@example.com (comment)\r\n\r\n",
        "FROM: \"Last, First\" <a@b.example>, c@d.example\r\n\r\n",
        "Subject: x\r\nFrom: Very Long Name\r\n <folded@fold.example>\r\nTo: z@z.example\r\n\r\n",
        "From:\r\n\tnews@tab.example\r\n\r\n",
        "From: first@one.example\r\nFrom: second@two.example\r\n\r\n",
        "To: a@b.example\r\n\r\nFrom: in-body@body.example\r\n",
        " continuation first\r\nFrom: x@y.example\r\n\r\n",
        "From : spaced@colon.example\r\n\r\n",
        "Subject: no from\r\n\r\n",
        "From: no-domain\r\n\r\n",
        "From: lf-only@lf.example\n\n",
        "From: <>\r\n\r\n",
        "From: \u{00A0}nbsp@nbsp.example\u{00A0}\r\n\r\n",
        "From: x@y.example",
        "",
        "From: a@b.example\r\nbroken line without colon\r\nFrom: c@d.example\r\n\r\n",
        "X-Long: \(String(repeating: "v ", count: 500))\r\nFrom: Ünïcode <u@ünï.example>\r\n\r\n",
    ]

    @Test func agreesWithHeaderEditor() {
        for message in Self.messages {
            let bytes = Array(message.utf8)
            #expect(FromDomain.of(bytes) == Self.throughHeaderEditor(bytes), "\(message.debugDescription)")
        }
        #expect(FromDomain.of(Array(Self.messages[0].utf8)) == "brand.example")
        #expect(FromDomain.of(Array(Self.messages[3].utf8)) == "fold.example")
        #expect(FromDomain.of(Array(Self.messages[6].utf8)) == nil)
    }

    @Test func fromValueIsUnfoldedAndTrimmed() {
        #expect(FromDomain.fromValue(Array("From:  A\r\n\tB  \r\n\r\n".utf8)) == "A\tB")
        #expect(FromDomain.fromValue(Array("To: x\r\n\r\n".utf8)) == nil)
    }

    @Test func settingsCacheKeepsWhatTheConfigurationSays() throws {
        let loaded = ConfigLoader.load(text: """
            <domain signed.example>
                dkim-sign yes
            </domain>
            """, fileName: "test.conf")
        #expect(loaded.errors.isEmpty)
        let cache = DKIMSettingsCache(limit: 3)
        var computed = 0
        for domain in ["signed.example", "other.example", "signed.example", "x.example", "y.example", "signed.example"] {
            let settings = cache.settings(domain: domain, vmta: "default") {
                computed += 1
                return loaded.model.effectiveSettings(domain: domain, vmta: "default")
            }
            #expect(settings == loaded.model.effectiveSettings(domain: domain, vmta: "default"))
            #expect(settings.dkimSign.value == (domain == "signed.example"))
        }
        #expect(computed == 5)  // the second signed.example from the cache; the limit emptied it before y.example
        #expect(cache.count <= 3)
    }
}
