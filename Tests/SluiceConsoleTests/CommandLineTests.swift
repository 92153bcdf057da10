import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import Testing

@Suite("The : command line: parser and completer")
struct CommandLineTests {
    static let targets = CommandTargets(domains: ["gmail.com", "googlemail.com", "yahoo.com"], vmtas: ["vmta1", "vmta2", "vmta3"],
                                        queues: ["gmail.com/vmta1", "yahoo.com/vmta3"])

    static func parse(_ text: String) -> Result<ConsoleCommand, OperatorError> { ConsoleCommandLine.parse(text, targets: targets) }

    @Test("The issue's examples parse to their requests")
    func examples() {
        #expect(Self.parse("hold yahoo.com 30m reason text") == .success(.request(.holdDomain(domain: "yahoo.com", reason: "reason text", ttl: .minutes(30)))))
        #expect(Self.parse("throttle gmail.com max-msg-rate=10/s 1h") == .success(.request(.setThrottle(
            target: "gmail.com", settings: [ThrottleSetting(directive: "max-msg-rate", value: "10/s")], ttl: .hours(1), persist: false,
            reason: "throttled from console"))))
        #expect(Self.parse("pause vmta3") == .success(.request(.pauseVMTA(name: "vmta3", reason: "paused from console", ttl: nil))))
        #expect(Self.parse("release yahoo.com") == .success(.request(.releaseDomain(domain: "yahoo.com", reason: "released from console"))))
        #expect(Self.parse("resume vmta3") == .success(.request(.resumeVMTA(name: "vmta3", reason: "resumed from console"))))
    }

    @Test("Queues, modes, several directives, views")
    func more() {
        #expect(Self.parse("pause yahoo.com/vmta3 2h blocklisted") == .success(.request(.pauseQueue(queue: "yahoo.com/vmta3", reason: "blocklisted", ttl: .hours(2)))))
        #expect(Self.parse("throttle gmail.com/vmta1 max-msg-rate=5/s max-smtp-out=2 why not") == .success(.request(.setThrottle(
            target: "gmail.com/vmta1", settings: [ThrottleSetting(directive: "max-msg-rate", value: "5/s"),
                                                  ThrottleSetting(directive: "max-smtp-out", value: "2")],
            ttl: nil, persist: false, reason: "why not"))))
        #expect(Self.parse("backoff gmail.com") == .success(.request(.setMode(target: "gmail.com", mode: .backoff, reason: "backoff mode set from console"))))
        #expect(Self.parse("patterns") == .success(.show(.patterns)))
        #expect(Self.parse("vmtas") == .success(.show(.vmtas)))
    }

    @Test("pause and resume take `job ID`; Tab offers `job`, then the job ids; :jobs shows the view")
    func jobs() {
        let targets = CommandTargets(vmtas: ["vmta1"], jobs: ["newsletter-2611", "receipts"])
        #expect(ConsoleCommandLine.parse("pause job newsletter-2611 2h wrong link", targets: targets)
                == .success(.request(.pauseJob(job: "newsletter-2611", reason: "wrong link", ttl: .hours(2)))))
        #expect(ConsoleCommandLine.parse("resume job receipts", targets: targets)
                == .success(.request(.resumeJob(job: "receipts", reason: "resumed from console"))))
        #expect(ConsoleCommandLine.parse("pause job nosuch", targets: targets) == .failure(OperatorError("no job nosuch")))
        #expect(ConsoleCommandLine.parse("pause job", targets: targets)
                == .failure(OperatorError("usage: pause VMTA|DOMAIN/VMTA|job ID [TTL] [reason]")))
        #expect(ConsoleCommandLine.complete("pause j", targets: targets) == "pause job ")
        #expect(ConsoleCommandLine.complete("pause job n", targets: targets) == "pause job newsletter-2611 ")
        #expect(ConsoleCommandLine.candidates("resume job ", targets: targets) == ["newsletter-2611", "receipts"])
        #expect(ConsoleCommandLine.parse("jobs", targets: targets) == .success(.show(.jobs)))
        // Without jobs in the snapshot, `job` is not offered.
        #expect(ConsoleCommandLine.candidates("pause ", targets: Self.targets).contains("job") == false)
    }

    @Test("Errors say what is wrong", arguments: [
        ("", "type a command, e.g. hold DOMAIN 30m reason"),
        ("frobnicate x", "unknown command 'frobnicate'; Tab completes"),
        ("re x", "unknown command 're': release, resume?"),
        ("hold", "usage: hold DOMAIN [TTL] [reason]"),
        ("hold gmail.com/vmta1", "hold takes a domain, not the queue gmail.com/vmta1"),
        ("hold aol.com", "no domain aol.com in the queues"),
        ("pause vmta9", "no vmta vmta9"),
        ("throttle gmail.com 1h", "usage: throttle DOMAIN[/VMTA] DIRECTIVE=VALUE… [TTL] [reason]"),
        ("throttle gmail.com max-msg-rat=10/s", "max-msg-rat is not a throttle directive (did you mean max-msg-rate?)"),
        ("hold gmail.com 0s", "TTL must be longer than 0s"),
        ("patterns now", "patterns takes no argument"),
    ])
    func errors(_ c: (String, String)) {
        #expect(Self.parse(c.0) == .failure(OperatorError(c.1)))
    }

    @Test("A bad directive value is refused by the config parser")
    func badValue() throws {
        guard case .failure(let e) = Self.parse("throttle gmail.com max-msg-rate=fast") else {
            Issue.record("max-msg-rate=fast was accepted")
            return
        }
        #expect(e.message.hasPrefix("max-msg-rate: "))
    }

    @Test("Tab completes verbs, targets and directive names")
    func completion() {
        func complete(_ t: String) -> String { ConsoleCommandLine.complete(t, targets: Self.targets) }
        #expect(complete("th") == "throttle ")
        #expect(complete("re") == "re", "release and resume share only re")
        #expect(ConsoleCommandLine.candidates("re", targets: Self.targets) == ["release", "resume"])
        #expect(complete("hold y") == "hold yahoo.com ")
        #expect(complete("hold g") == "hold g", "gmail.com and googlemail.com")
        #expect(complete("hold gm") == "hold gmail.com ")
        #expect(complete("pause vm") == "pause vmta")
        #expect(complete("pause yahoo") == "pause yahoo.com/vmta3 ")
        #expect(complete("throttle gmail.com max-msg-r") == "throttle gmail.com max-msg-rate=")
        #expect(complete("throttle gmail.com max-smtp") == "throttle gmail.com max-smtp-out", "max-smtp-out= and longer names")
        #expect(ConsoleCommandLine.candidates("throttle gmail.com max-smtp", targets: Self.targets).contains("max-smtp-out="))
        #expect(complete("patterns x") == "patterns x")
    }
}
