import SluiceConfig
import SluiceBase
import Testing
@testable import SluiceSandbox

@Suite("Sandbox behaviour per profile")
struct BehaviourTests {
    @Test("gmail: beyond 20/s per source IP MAIL FROM gets 421 4.7.0 and the connection closes; other IPs are unaffected; it recovers after the window")
    func gmailRateLimit() throws {
        var gmail = SandboxBehaviour(profile: try shipped("gmail"), seed: 7, startedAt: .zero)
        let now = at(10_000)
        var (session, greeting) = openSession(&gmail, from: "127.0.0.10", at: now)
        #expect(greeting.reply.description.hasPrefix("220 mx.google.com ESMTP "))
        // The burst of 20 passes at one instant…
        for _ in 0..<20 {
            let replies = send(&gmail, &session, to: ["alice.smith@gmail.com"], at: now)
            #expect(replies[0].reply.code == 250)
        }
        // …the 21st is refused with Gmail's reply, and the server hangs up.
        let refused = gmail.handle(.mail(from: "bounces@news.test"), in: &session, at: now)
        #expect(refused.reply.code == 421)
        #expect(refused.reply.enhancedStatus == "4.7.0")
        #expect(refused.reply.description.contains("[127.0.0.10] Our system has detected an unusual rate of unsolicited mail"))
        #expect(refused.reply.description.contains("try again later"))
        #expect(refused.close && session.isClosed)
        #expect(refused.outcome == .deferred(.rateLimit))
        // Another source IP has its own allowance.
        var (other, _) = openSession(&gmail, from: "127.0.0.11", at: now)
        #expect(gmail.handle(.mail(from: "b@news.test"), in: &other, at: now).reply.code == 250)
        // A new connection from the limited IP 100 ms later is still limited (2 slots freed, 1 used)…
        var (again, _) = openSession(&gmail, from: "127.0.0.10", at: at(10_050))
        #expect(gmail.handle(.mail(from: "b@news.test"), in: &again, at: at(10_050)).reply.code == 250)
        _ = gmail.handle(.reset, in: &again, at: at(10_050))
        #expect(gmail.handle(.mail(from: "b@news.test"), in: &again, at: at(10_050)).reply.code == 421)
        // …and after the one-second window the full burst is available again.
        var (later, _) = openSession(&gmail, from: "127.0.0.10", at: at(11_100))
        for _ in 0..<20 {
            #expect(send(&gmail, &later, to: ["bob.jones@gmail.com"], at: at(11_100))[0].reply.code == 250)
        }
        #expect(gmail.stats.deferred[.rateLimit] == 2)
    }

    @Test("gmail: a sustained 40/s from one IP is held to 20/s plus the burst")
    func gmailSustained() throws {
        var gmail = SandboxBehaviour(profile: try shipped("gmail"), seed: 1, startedAt: .zero)
        var accepted = 0, refused = 0
        var (session, _) = openSession(&gmail, from: "127.0.0.10", at: .zero)
        for i in 0..<400 { // 40/s for 10 s
            let now = at(Int64(i) * 25)
            if session.isClosed { (session, _) = openSession(&gmail, from: "127.0.0.10", at: now) }
            let reply = gmail.handle(.mail(from: "b@news.test"), in: &session, at: now)
            if reply.reply.code == 250 { accepted += 1; _ = gmail.handle(.reset, in: &session, at: now) } else { refused += 1 }
        }
        // 20/s over 10 s, plus the initial burst of 20 (minus the first slot), give or take one.
        #expect((218...221).contains(accepted), "accepted \(accepted)")
        #expect(accepted + refused == 400)
    }

    @Test("yahoo: during the incident window every connection gets TSS04 at the greeting; outside it the greeting is normal; the window repeats")
    func yahooIncident() throws {
        let start = at(1_000_000)
        var yahoo = SandboxBehaviour(profile: try shipped("yahoo"), seed: 3, startedAt: start)
        func greet(after seconds: Int64) -> SandboxAction {
            yahoo.connect(from: ip("127.0.0.12"), at: start + .seconds(seconds)).1
        }
        for quiet in [Int64(0), 9, 40, 120, 189, 220] {
            #expect(greet(after: quiet).reply.code == 220, "at \(quiet)s")
        }
        for stormy in [Int64(10), 25, 39, 190, 219] {
            let action = greet(after: stormy)
            #expect(action.reply.code == 421, "at \(stormy)s")
            #expect(action.reply.description.hasPrefix("421 4.7.0 [TSS04] Messages from 127.0.0.12 temporarily deferred due to unexpected volume or user complaints"))
            #expect(action.close)
            #expect(action.outcome == .deferred(.incident))
        }
        #expect(yahoo.stats.deferred[.incident] == 5)
        #expect(yahoo.stats.connections == 11)
    }

    @Test("yahoo: its per-IP limit also answers TSS04")
    func yahooRateLimit() throws {
        var yahoo = SandboxBehaviour(profile: try shipped("yahoo"), seed: 3, startedAt: .zero)
        var (session, _) = openSession(&yahoo, from: "127.0.0.12", at: at(1000))
        var codes: [Int] = []
        for _ in 0..<16 {
            let reply = yahoo.handle(.mail(from: "b@news.test"), in: &session, at: at(1000))
            codes.append(reply.reply.code)
            if reply.reply.code == 250 { _ = yahoo.handle(.reset, in: &session, at: at(1000)) }
        }
        #expect(codes == Array(repeating: 250, count: 15) + [421])
    }

    @Test("outlook: beyond 10/s per IP MAIL FROM gets 451 4.7.650 and the connection stays open")
    func outlookRateLimit() throws {
        var outlook = SandboxBehaviour(profile: try shipped("outlook"), seed: 5, startedAt: .zero)
        var (session, _) = openSession(&outlook, from: "127.0.0.13", at: at(500))
        for _ in 0..<10 {
            #expect(outlook.handle(.mail(from: "b@news.test"), in: &session, at: at(500)).reply.code == 250)
            _ = outlook.handle(.reset, in: &session, at: at(500))
        }
        let limited = outlook.handle(.mail(from: "b@news.test"), in: &session, at: at(500))
        #expect(limited.reply.description.hasPrefix("451 4.7.650 The mail server [127.0.0.13] has been temporarily rate limited due to IP reputation."))
        #expect(!limited.close && !session.isClosed)
        // 100 ms later one slot is free on the same connection.
        #expect(outlook.handle(.mail(from: "b@news.test"), in: &session, at: at(600)).reply.code == 250)
    }

    @Test("unknown users: a fixed share of addresses, always the same ones, with each provider's reply", arguments: [
        ("gmail", "gmail.com", 0.03, "550 5.1.1 The email account that you tried to reach does not exist."),
        ("yahoo", "yahoo.com", 0.04, "550 5.1.1 <"),
        ("outlook", "outlook.com", 0.03, "550 5.5.0 Requested action not taken: mailbox unavailable"),
        ("generic", "example.net", 0.05, "550 5.1.1 <"),
    ])
    func unknownUsers(name: String, domain: String, share: Double, replyPrefix: String) throws {
        let profile = try shipped(name)
        let behaviour = SandboxBehaviour(profile: profile, seed: 42, startedAt: .zero)
        let addresses = (0..<20_000).map { "\(MessageComposer.localPart($0))@\(domain)" }
        let unknown = addresses.filter(behaviour.isUnknownUser)
        let measured = Double(unknown.count) / Double(addresses.count)
        #expect(abs(measured - share) < 0.006, "measured \(measured)")
        // Stable: a fresh receiver with the same seed agrees, case-insensitively.
        let again = SandboxBehaviour(profile: profile, seed: 42, startedAt: at(99_999))
        #expect(unknown.allSatisfy { again.isUnknownUser($0.uppercased()) })
        // Another seed picks other mailboxes.
        let reseeded = SandboxBehaviour(profile: profile, seed: 43, startedAt: .zero)
        #expect(unknown.filter(reseeded.isUnknownUser).count < unknown.count / 5)
        // The RCPT reply and the statistics.
        var receiver = SandboxBehaviour(profile: profile, seed: 42, startedAt: .zero)
        var (session, _) = openSession(&receiver, from: "127.0.0.20", at: .zero)
        _ = receiver.handle(.mail(from: "b@news.test"), in: &session, at: .zero)
        let rcpt = try #require(unknown.first)
        let reply = receiver.handle(.recipient(rcpt), in: &session, at: .zero)
        #expect(reply.reply.description.hasPrefix(replyPrefix), "\(reply.reply)")
        #expect(reply.outcome == .rejected(.unknownUser))
        #expect(!reply.close)
        #expect(receiver.stats.rejected[.unknownUser] == 1)
    }

    @Test("full mailboxes: 452 4.2.2 for the transient share, 552 5.2.2 for the permanent one, disjoint and stable")
    func mailboxFull() throws {
        var generic = SandboxBehaviour(profile: try profile("""
        mailbox-full 2% transient
        mailbox-full 1% permanent
        """), seed: 9, startedAt: .zero)
        let addresses = (0..<20_000).map { "\(MessageComposer.localPart($0))@example.net" }
        let transient = addresses.filter { generic.mailboxFullRule(for: $0)?.permanent == false }
        let permanent = addresses.filter { generic.mailboxFullRule(for: $0)?.permanent == true }
        #expect(abs(Double(transient.count) / 20_000 - 0.02) < 0.004)
        #expect(abs(Double(permanent.count) / 20_000 - 0.01) < 0.003)
        #expect(Set(transient).isDisjoint(with: permanent))
        var (session, _) = openSession(&generic, from: "127.0.0.20", at: .zero)
        _ = generic.handle(.mail(from: "b@news.test"), in: &session, at: .zero)
        let temp = generic.handle(.recipient(try #require(transient.first)), in: &session, at: .zero)
        let perm = generic.handle(.recipient(try #require(permanent.first)), in: &session, at: .zero)
        #expect(temp.reply.code == 452 && temp.reply.enhancedStatus == "4.2.2" && temp.outcome == .deferred(.mailboxFull))
        #expect(perm.reply.code == 552 && perm.reply.enhancedStatus == "5.2.2" && perm.outcome == .rejected(.mailboxFull))
        // Still full an hour later.
        #expect(generic.handle(.recipient(transient[0]), in: &session, at: at(3_600_000)).reply.code == 452)
    }

    @Test("the shipped gmail profile answers full mailboxes with Gmail's texts")
    func gmailMailboxFull() throws {
        var gmail = SandboxBehaviour(profile: try shipped("gmail"), seed: 11, startedAt: .zero)
        let addresses = (0..<40_000).map { "\(MessageComposer.localPart($0))@gmail.com" }
        let full = try #require(addresses.first { gmail.mailboxFullRule(for: $0)?.permanent == false && !gmail.isUnknownUser($0) })
        var (session, _) = openSession(&gmail, from: "127.0.0.20", at: .zero)
        _ = gmail.handle(.mail(from: "b@news.test"), in: &session, at: .zero)
        #expect(gmail.handle(.recipient(full), in: &session, at: .zero).reply.description
            .hasPrefix("452 4.2.2 The recipient's inbox is out of storage space."))
    }

    @Test("greylisting: the first attempt of a triplet gets 451 4.7.1, a retry before min-wait too, a retry after it passes")
    func greylisting() throws {
        var receiver = SandboxBehaviour(profile: try profile("greylist 100% min-wait 5m"), seed: 2, startedAt: .zero)
        func attempt(_ rcpt: String, from source: String = "127.0.0.30", sender: String = "b@news.test", after seconds: Int64) -> SandboxAction {
            var (session, _) = openSession(&receiver, from: source, at: at(seconds * 1000))
            _ = receiver.handle(.mail(from: sender), in: &session, at: at(seconds * 1000))
            return receiver.handle(.recipient(rcpt), in: &session, at: at(seconds * 1000))
        }
        let first = attempt("alice@example.net", after: 0)
        #expect(first.reply.code == 451 && first.reply.enhancedStatus == "4.7.1")
        #expect(first.reply.description.contains("Greylisted"))
        #expect(first.outcome == .deferred(.greylist))
        #expect(attempt("alice@example.net", after: 299).reply.code == 451)
        #expect(attempt("alice@example.net", after: 300).reply.code == 250)
        #expect(attempt("alice@example.net", after: 4000).reply.code == 250)
        // A different sender, recipient or source IP is a new triplet.
        #expect(attempt("alice@example.net", sender: "other@news.test", after: 301).reply.code == 451)
        #expect(attempt("bob@example.net", after: 301).reply.code == 451)
        #expect(attempt("alice@example.net", from: "127.0.0.31", after: 301).reply.code == 451)
        #expect(receiver.stats.deferred[.greylist] == 5)
    }

    @Test("greylisting applies to its share of triplets only")
    func greylistShare() throws {
        var generic = SandboxBehaviour(profile: try shipped("generic"), seed: 2, startedAt: .zero)
        var (session, _) = openSession(&generic, from: "127.0.0.30", at: .zero)
        _ = generic.handle(.mail(from: "b@news.test"), in: &session, at: .zero)
        var greylisted = 0, considered = 0
        for n in 0..<4000 {
            let rcpt = "\(MessageComposer.localPart(n))@example.net"
            guard !generic.isUnknownUser(rcpt), generic.mailboxFullRule(for: rcpt) == nil else { continue }
            considered += 1
            let reply = generic.handle(.recipient(rcpt), in: &session, at: .zero)
            if reply.reply.code == 451 { greylisted += 1 }
            if reply.reply.code == 250 { _ = generic.handle(.reset, in: &session, at: .zero); _ = generic.handle(.mail(from: "b@news.test"), in: &session, at: .zero) }
        }
        #expect(abs(Double(greylisted) / Double(considered) - 0.30) < 0.03, "\(greylisted)/\(considered)")
    }

    @Test("slow replies: delays drawn within the profile's range, at the stage it names only")
    func slowReplies() throws {
        var outlook = SandboxBehaviour(profile: try shipped("outlook"), seed: 8, startedAt: .zero)
        var delays: [Int64] = []
        for i in 0..<200 {
            let now = at(Int64(i) * 1000)
            var (session, greeting) = openSession(&outlook, from: "127.0.0.40", at: now)
            #expect(greeting.delay.milliseconds == 0)
            let replies = send(&outlook, &session, to: ["carol.brown@outlook.com"], at: now)
            #expect(replies.dropLast().allSatisfy { $0.delay.milliseconds == 0 })
            if let last = replies.last, last.reply.code == 250 || last.reply.code >= 400 {
                delays.append(last.delay.milliseconds)
            }
        }
        #expect(delays.count == 200)
        #expect(delays.allSatisfy { (200...800).contains($0) })
        #expect(Set(delays).count > 100)
        #expect(delays.min() ?? 0 < 260 && delays.max() ?? 0 > 740)
    }

    @Test("extreme limits from a profile neither overflow nor crash")
    func extremeLimits() throws {
        for text in ["rate-limit per-source-ip 9223372036854775807/s burst 9223372036854775807",
                     "rate-limit per-source-ip 1/106751991167d burst 1000000",
                     "rate-limit per-source-ip 1/106751991167d"] {
            var receiver = SandboxBehaviour(profile: try profile(text), seed: 0, startedAt: .zero)
            var (session, _) = openSession(&receiver, from: "127.0.0.1", at: .zero)
            for t in [Int64(0), 1, Int64.max / 2] {
                let code = receiver.handle(.mail(from: "a@b.test"), in: &session, at: at(t)).reply.code
                #expect(code == 250 || code == 421)
                if session.isClosed { (session, _) = openSession(&receiver, from: "127.0.0.1", at: at(t)) }
                _ = receiver.handle(.reset, in: &session, at: at(t))
            }
        }
    }

    @Test("reject-message: yahoo refuses a small share of messages after DATA with 554 5.7.9")
    func policyRejections() throws {
        var yahoo = SandboxBehaviour(profile: try profile("reject-message 10% reply \"554 5.7.9 Message not accepted for policy reasons.\""), seed: 4, startedAt: .zero)
        var (session, _) = openSession(&yahoo, from: "127.0.0.12", at: .zero)
        var rejected = 0
        for _ in 0..<2000 {
            let last = send(&yahoo, &session, to: ["dave@yahoo.com"], at: .zero).last
            if last?.reply.code == 554 { rejected += 1; #expect(last?.outcome == .rejected(.policy)) }
        }
        #expect((150...250).contains(rejected))
        #expect(yahoo.stats.messagesAccepted == 2000 - rejected)
    }
}
