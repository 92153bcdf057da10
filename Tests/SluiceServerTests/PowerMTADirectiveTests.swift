import Foundation
import SluiceServer
import Testing

/// The PowerMTA `<domain>` directives of fdafaf2 end to end: a node started from configuration
/// text delivers to scripted SMTP peers on 127.0.0.0/8, and each test asserts what the peer saw
/// and what the accounting file recorded, with the directive and (where cheap) without it.
@Suite("PowerMTA <domain> directives end to end")
struct PowerMTADirectiveTests {
    @Test("max-errors-per-connection 2: the connection is closed (QUIT) after the second refused recipient; the rest go on new ones",
          Peers.python3)
    func maxErrorsPerConnection() async throws {
        let recipients = (1...5).map { "u\($0)@errors.test" }
        func sessions(_ setting: String) async throws -> [ScriptedPeer.Session] {
            try await withPeers([ScriptedPeer.Script(rcpt: "550 5.1.1 No such user")]) { dir, peers in
                let rows = try await deliver([.init(to: recipients)], domain: "errors.test", route: peers[0].route,
                                             settings: "max-smtp-out 1\nmax-rcpt-per-transaction 1\n\(setting)", dir: dir,
                                             until: "five bounces") { $0.of("b").count == 5 }
                #expect(Set(rows.of("b").map { $0["rcpt"] }) == Set(recipients))
                return peers[0].sessions
            }
        }
        let limited = try await sessions("max-errors-per-connection 2")
        #expect(limited.map(\.rcptCount) == [2, 2, 1])
        // The first two connections end with QUIT after their second refused RCPT, with no
        // transaction started in between.
        for session in limited.prefix(2) {
            #expect(session.commands.last == "QUIT")
            #expect(!session.commands.reversed().prefix { !$0.hasPrefix("RCPT") }.contains { $0.hasPrefix("MAIL") })
        }
        // Without the directive one connection carries every recipient.
        #expect(try await sessions("").map(\.rcptCount) == [5])
    }

    @Test("smtp-421-means-mx-unavailable yes: after the first MX's 421 the next connection goes to the second MX",
          Peers.python3)
    func smtp421MeansMXUnavailable() async throws {
        let scripts = [ScriptedPeer.Script(mail: "421 4.7.0 Too busy, try later"), ScriptedPeer.Script()]
        try await withPeers(scripts, hosts: ["127.0.0.2", "127.0.0.3"]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@busy.test"])], domain: "busy.test",
                                         route: "\(peers[0].route),\(peers[1].route)",
                                         settings: "max-smtp-out 1\nretry-after 1s\nsmtp-421-means-mx-unavailable yes", dir: dir,
                                         until: "the delivery") { !$0.of("d").isEmpty }
            #expect(rows.of("t").map { $0["dlvDestinationIp"] } == ["127.0.0.2"])
            #expect(rows.of("t").first?["dsnDiag"]?.hasPrefix("421 4.7.0") == true)
            #expect(rows.of("d").map { $0["dlvDestinationIp"] } == ["127.0.0.3"])
            #expect(peers[0].sessions.count == 1)
            #expect(peers[1].sessions.flatMap(\.contents).count == 1)
        }
        // With `no` the retry goes to the first MX again (MX order), and again.
        try await withPeers(scripts, hosts: ["127.0.0.2", "127.0.0.3"]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@busy.test"])], domain: "busy.test",
                                         route: "\(peers[0].route),\(peers[1].route)",
                                         settings: "max-smtp-out 1\nretry-after 1s\nsmtp-421-means-mx-unavailable no", dir: dir,
                                         until: "two deferrals") { $0.of("t").count >= 2 }
            #expect(rows.of("t").allSatisfy { $0["dlvDestinationIp"] == "127.0.0.2" })
            #expect(rows.of("d").isEmpty)
            #expect(peers[0].sessions.count >= 2)
            #expect(peers[1].sessions.isEmpty)
        }
    }

    @Test("mx-connection-attempts 1: only the first address is tried per attempt; unlimited goes on to the next host",
          Peers.python3)
    func mxConnectionAttempts() async throws {
        try await withPeers([ScriptedPeer.Script()], hosts: ["127.0.0.3"]) { dir, peers in
            // Nothing listens on 127.0.0.4: the first host refuses every connection.
            let dead = "[127.0.0.4]:\(peers[0].port)"
            let rows = try await deliver([.init(to: ["u@tries.test"])], domain: "tries.test",
                                         route: "\(dead),\(peers[0].route)",
                                         settings: "max-smtp-out 1\nretry-after 1s\nmx-connection-attempts 1", dir: dir,
                                         until: "two deferrals") { $0.of("t").count >= 2 }
            #expect(rows.of("d").isEmpty)
            #expect(peers[0].sessions.isEmpty)
        }
        try await withPeers([ScriptedPeer.Script()], hosts: ["127.0.0.3"]) { dir, peers in
            let dead = "[127.0.0.4]:\(peers[0].port)"
            let rows = try await deliver([.init(to: ["u@tries.test"])], domain: "tries.test",
                                         route: "\(dead),\(peers[0].route)",
                                         settings: "max-smtp-out 1\nretry-after 1s", dir: dir,
                                         until: "the delivery") { !$0.of("d").isEmpty }
            #expect(rows.of("d").map { $0["dlvDestinationIp"] } == ["127.0.0.3"])
            #expect(rows.of("t").isEmpty)
        }
    }

    @Test("max-rcpt-per-message 2 in <domain> (max-rcpt-per-transaction): five recipients go in three transactions",
          Peers.python3)
    func maxRcptPerMessage() async throws {
        let recipients = (1...5).map { "u\($0)@split.test" }
        func transactions(_ setting: String) async throws -> [Int] {
            try await withPeers([ScriptedPeer.Script()]) { dir, peers in
                let rows = try await deliver([.init(to: recipients)], domain: "split.test", route: peers[0].route,
                                             settings: "max-smtp-out 1\n\(setting)", dir: dir,
                                             until: "five deliveries") { $0.of("d").count == 5 }
                #expect(Set(rows.of("d").map { $0["rcpt"] }) == Set(recipients))
                #expect(peers[0].sessions.flatMap(\.contents).count == peers[0].sessions.flatMap(\.transactions).count)
                return peers[0].sessions.flatMap(\.transactions).map(\.count)
            }
        }
        #expect(try await transactions("max-rcpt-per-message 2") == [2, 2, 1])
        #expect(try await transactions("") == [5])
    }

    @Test("bounce-upon-5xx-greeting: a 554 greeting bounces the recipient at once with yes, defers it with no",
          Peers.python3)
    func bounceUpon5xxGreeting() async throws {
        let refusing = ScriptedPeer.Script(greeting: "554 5.7.1 No service for you")
        try await withPeers([refusing]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@refuse.test"])], domain: "refuse.test", route: peers[0].route,
                                         settings: "bounce-upon-5xx-greeting yes", dir: dir,
                                         until: "the bounce") { !$0.of("b").isEmpty }
            let bounce = try #require(rows.of("b").first)
            #expect(bounce["dsnStatus"] == "5.7.1")
            #expect(bounce["dsnDiag"]?.hasPrefix("554 5.7.1 No service for you") == true)
            #expect(rows.of("t").isEmpty)
            #expect(peers[0].sessions.count == 1)
        }
        try await withPeers([refusing]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@refuse.test"])], domain: "refuse.test", route: peers[0].route,
                                         settings: "bounce-upon-5xx-greeting no", dir: dir,
                                         until: "the deferral") { !$0.of("t").isEmpty }
            #expect(rows.of("t").first?["dsnDiag"]?.hasPrefix("554 5.7.1 No service for you") == true)
            #expect(rows.of("b").isEmpty)
        }
    }

    @Test("max-smtp-retries 2: a recipient that keeps getting 451 bounces after its second attempt, naming max-smtp-retries",
          Peers.python3)
    func maxSmtpRetries() async throws {
        let busy = ScriptedPeer.Script(rcpt: "451 4.2.1 Mailbox busy, try later")
        try await withPeers([busy]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@retry.test"])], domain: "retry.test", route: peers[0].route,
                                         settings: "retry-after 1s\nmax-smtp-retries 2", dir: dir,
                                         until: "the bounce") { !$0.of("b").isEmpty }
            let bounce = try #require(rows.of("b").first)
            #expect(bounce["dsnDiag"]?.contains("gave up after 2 attempt(s) (max-smtp-retries)") == true)
            #expect(bounce["dsnDiag"]?.contains("last reply: 451 4.2.1 Mailbox busy") == true)
            #expect(bounce["bounceCat"] == "message-expired")
            #expect(rows.of("t").count == 1)
            #expect(peers[0].sessions.map(\.rcptCount).reduce(0, +) == 2)
        }
        // Without it the recipient is still being retried after a third attempt.
        try await withPeers([busy]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@retry.test"])], domain: "retry.test", route: peers[0].route,
                                         settings: "retry-after 1s", dir: dir,
                                         until: "three deferrals") { $0.of("t").count >= 3 }
            #expect(rows.of("b").isEmpty)
            #expect(peers[0].sessions.map(\.rcptCount).reduce(0, +) >= 3)
        }
    }

    @Test("expire-after (bounce-after): a recipient still deferred after 2s bounces as message-expired", Peers.python3)
    func expireAfter() async throws {
        try await withPeers([ScriptedPeer.Script(rcpt: "451 4.2.1 Mailbox busy, try later")]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@expire.test"])], domain: "expire.test", route: peers[0].route,
                                         settings: "retry-after 1s\nexpire-after 2s", dir: dir,
                                         until: "the expiry") { !$0.of("b").isEmpty }
            let bounce = try #require(rows.of("b").first)
            #expect(bounce["dsnDiag"]?.hasPrefix("message expired after") == true)
            #expect(bounce["bounceCat"] == "message-expired")
            #expect(bounce["dsnStatus"] == "5.4.7")
        }
    }

    @Test("type discard: every recipient is accounted as delivered and no connection is made (nothing listens)",
          Peers.python3)
    func typeDiscard() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let closedPort = try freePort()
        #expect(!canConnect(port: closedPort))
        let rows = try await deliver([.init(to: ["a@discard.test", "b@discard.test"])], domain: "discard.test",
                                     route: "[127.0.0.1]:\(closedPort)", settings: "type discard", dir: dir,
                                     until: "two deliveries") { $0.of("d").count == 2 }
        for row in rows.of("d") {
            #expect(row["dsnDiag"] == "250 2.0.0 discarded (type discard)")
            #expect(row["dlvDestinationIp"] == "")
        }
        #expect(rows.of("t").isEmpty)
        // `type smtp` (the default) tries the route and defers.
        let smtpDir = try makeTemporaryDirectory()
        defer { removeDirectory(smtpDir) }
        let smtp = try await deliver([.init(to: ["a@discard.test"])], domain: "discard.test",
                                     route: "[127.0.0.1]:\(closedPort)", settings: "type smtp", dir: smtpDir,
                                     until: "the deferral") { !$0.of("t").isEmpty }
        #expect(smtp.of("d").isEmpty)
    }

    @Test("smtp-553-means-invalid-mailbox: a bare 553 bounces as bad-mailbox 5.1.1 with yes, as sent with no", Peers.python3)
    func smtp553MeansInvalidMailbox() async throws {
        // RFC 5321's own text for 553, without an enhanced status code.
        let script = ScriptedPeer.Script(rcpt: "553 Requested action not taken: mailbox name not allowed")
        func bounce(_ setting: String) async throws -> [String: String] {
            try await withPeers([script]) { dir, peers in
                let rows = try await deliver([.init(to: ["u@bare.test"])], domain: "bare.test", route: peers[0].route,
                                             settings: setting, dir: dir, until: "the bounce") { !$0.of("b").isEmpty }
                return try #require(rows.of("b").first)
            }
        }
        let invalid = try await bounce("smtp-553-means-invalid-mailbox yes")
        #expect(invalid["dsnStatus"] == "5.1.1")
        #expect(invalid["bounceCat"] == "bad-mailbox")
        #expect(invalid["dsnDiag"]?.hasPrefix("553 ") == true)
        let asSent = try await bounce("smtp-553-means-invalid-mailbox no")
        #expect(asSent["dsnStatus"] == "5.0.0")
        #expect(asSent["bounceCat"] == "policy-related")
    }

    @Test("max-smtp-out-per-ip 1 below max-smtp-out 4: the peer never sees two connections at once", Peers.python3)
    func maxSmtpOutPerIP() async throws {
        let slow = ScriptedPeer.Script(dataDelay: 0.4)
        let messages = (1...6).map { Injector.Message(to: ["u\($0)@perip.test"]) }
        func concurrency(_ setting: String) async throws -> Int {
            try await withPeers([slow]) { dir, peers in
                _ = try await deliver(messages, domain: "perip.test", route: peers[0].route,
                                      settings: "max-smtp-out 4\n\(setting)", dir: dir,
                                      until: "six deliveries") { $0.of("d").count == 6 }
                return peers[0].maxConcurrentSessions
            }
        }
        #expect(try await concurrency("max-smtp-out-per-ip 1") == 1)
        #expect(try await concurrency("") > 1)
    }
}

extension ScriptedPeer {
    /// The peer as a `route` entry.
    var route: String { "[\(host)]:\(port)" }
}

extension ScriptedPeer.Session {
    /// RCPT commands over all transactions.
    var rcptCount: Int { commands.filter { $0.uppercased().hasPrefix("RCPT") }.count }
}

extension Array where Element == [String: String] {
    /// The rows of one record type.
    func of(_ type: String) -> [[String: String]] { filter { $0["type"] == type } }
}

/// Runs `body` with a fresh directory and one scripted peer per script (on `hosts`, default
/// 127.0.0.1); stops the peers and removes the directory afterwards.
func withPeers<T>(_ scripts: [ScriptedPeer.Script], hosts: [String] = [],
                  _ body: (String, [ScriptedPeer]) async throws -> T) async throws -> T {
    let dir = try makeTemporaryDirectory()
    defer { removeDirectory(dir) }
    var peers: [ScriptedPeer] = []
    defer { for peer in peers { peer.stop() } }
    for (i, script) in scripts.enumerated() {
        peers.append(try ScriptedPeer(host: i < hosts.count ? hosts[i] : "127.0.0.1", script: script, directory: dir))
    }
    return try await body(dir, peers)
}

/// Starts a node whose `<domain DOMAIN>` is routed to `route` with `settings` (and `source` in
/// `<source 127.0.0.1>`, `top` at the top level), every record type going to DIR/acct.csv;
/// injects `messages`, waits until `done` holds for the accounting rows, shuts the node down and
/// returns the rows.
func deliver(_ messages: [Injector.Message], domain: String, route: String, settings: String, source: String = "",
             top: String = "", dir: String, until what: String, timeout: Double = 30,
             _ done: ([[String: String]]) -> Bool) async throws -> [[String: String]] {
    let acct = "\(dir)/acct.csv"
    let text = top + "\n" + testConfiguration(spool: "\(dir)/spool", routes: [], sourceSettings: source)
        + "<domain \(domain)>\n    route \(route)\n\(settings)\n</domain>\n"
        + "<acct-file \(acct)>\n    records r,d,b,t\n</acct-file>\n"
    try await withNode(try loadConfiguration(text), directory: dir) { node, _ in
        let port = try #require(await node.smtpPorts.first)
        let results = try await Injector.send(messages, port: port)
        #expect(results.allSatisfy { $0.ok && ($0.refused ?? [:]).isEmpty })
        do {
            try await waitUntil(what, timeout: timeout) { done(accountingRows(acct)) }
        } catch {
            let seen = accountingRows(acct).map { [$0["type"], $0["rcpt"], $0["dlvDestinationIp"], $0["dsnDiag"]]
                .map { $0 ?? "" }.joined(separator: " ") }
            throw TestError("\(error); accounting so far: \(seen)")
        }
    }
    return accountingRows(acct)
}
