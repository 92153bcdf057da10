import Foundation
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceConfig
import SluiceCore

@Suite("Persisted overrides")
struct OverrideTests {
    static let context = CommandContext(actor: .socketPeer(uid: 0, user: "root", label: "cli"), reason: "yahoo # complaints",
                                        issuedAt: 1000, expiresAt: nil)

    @Test("the file survives a restart; the engine layers its throttles with their origin and drops them at expiry")
    func persistedThrottlesSurviveARestartAndShowTheirOrigin() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/overrides.conf"
        let store = try PersistedOverrides(path: path)
        let queue = try ControlTarget.domainOrQueue("gmail.com/vmta1")
        try store.set(queue, [.init(directive: "max-msg-rate", value: "20/s")], context: Self.context)
        var expiring = Self.context
        expiring.expiresAt = 1600
        try store.set(.domain("gmail.com"), [.init(directive: "max-smtp-out", value: "4"), .init(directive: "max-msg-rate", value: "50/s")],
                      context: expiring)
        #expect(throws: ControlError.self) { try store.set(.vmta("vmta1"), [.init(directive: "max-smtp-out", value: "1")], context: Self.context) }

        // A restart: a new store reads the file and the engine takes its throttles as data.
        let reloaded = try PersistedOverrides(path: path)
        #expect(reloaded.all.count == 3)
        #expect(reloaded.throttles.map(\.expiresAt) == [Instant(milliseconds: 1_600_000), Instant(milliseconds: 1_600_000), nil])
        var engine = DeliveryEngine(configuration: StaticEngineConfiguration(virtualMTANames: ["vmta1", "vmta2"]))
        _ = engine.setPersistedThrottles(reloaded.throttles, now: Instant(milliseconds: 1_100_000))
        let key = QueueKey(domain: "gmail.com", vmta: "vmta1")
        let settings = engine.settings(for: key)
        #expect(settings.maxSmtpOut.value == 4)
        #expect(settings.maxMsgRate.value == (try Rate(parsing: "20/s")), "the queue's override beats the domain's")
        guard case .persisted(let location) = settings.maxMsgRate.origin else { Issue.record("not persisted"); return }
        #expect(location.file == path)
        #expect(settings.entry("max-msg-rate")?.origin.description.hasSuffix("(persisted)") == true)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[location.line - 1].contains("max-msg-rate 20/s"))
        #expect(text.contains("<virtual-mta vmta1>"))

        // The engine wakes for the expiry and drops the domain's overrides then; purging the
        // file removes their lines.
        #expect(engine.nextWakeup == Instant(milliseconds: 1_600_000))
        _ = engine.tick(now: Instant(milliseconds: 1_601_000))
        #expect(engine.settings(for: QueueKey(domain: "gmail.com", vmta: "vmta2")).maxSmtpOut.origin == .builtin)
        #expect(engine.settings(for: key).maxMsgRate.value == (try Rate(parsing: "20/s")))
        #expect(engine.activePersistedThrottles.count == 1)
        try reloaded.purgeExpired(now: 1601)
        #expect(try PersistedOverrides(path: path).all.count == 1)
    }

    /// An override file as `set throttle --persist` wrote it before the control vocabulary moved
    /// to SluiceCore, byte for byte.
    static let existingFile = """
        # Sluice persisted overrides, written by `sluice set throttle --persist`.
        # Read at start-up and layered over the configuration; the comment on each line records
        # who set it, why and until when (Unix time).
        <domain gmail.com>
            max-smtp-out 4  # {"at":1000,"until":1600,"who":"root (uid 0) via cli","why":"complaints"}
        </domain>
        <virtual-mta vmta1>
            <domain yahoo.com>
                max-msg-rate 20/s  # {"at":1000,"who":"token ops","why":"warmup"}
            </domain>
        </virtual-mta>

        """

    @Test func anExistingOverrideFileLoadsAndIsWrittenAsBefore() throws {
        let overrides = try OverrideFile.parse(Self.existingFile, file: "overrides.conf")
        #expect(overrides.map(\.target) == [.domain("gmail.com"), .queue(QueueKey(domain: "yahoo.com", vmta: "vmta1"))])
        #expect(overrides.map(\.directive) == ["max-smtp-out", "max-msg-rate"])
        #expect(overrides.map(\.meta) == [PersistedOverride.Meta(who: "root (uid 0) via cli", why: "complaints", at: 1000, until: 1600),
                                          PersistedOverride.Meta(who: "token ops", why: "warmup", at: 1000, until: nil)])
        #expect(overrides.map { $0.location?.line } == [5, 9])
        #expect(OverrideFile.render(overrides) == Self.existingFile)
    }

    @Test func fileRoundTripsAndRejectsDamage() throws {
        let overrides = [
            PersistedOverride(target: .domain("yahoo.com"), directive: "retry-after", value: "10m,1h",
                              meta: .init(who: "root", why: "a \"quoted\" # reason", at: 5, until: 50)),
            PersistedOverride(target: .queue(QueueKey(domain: "gmail.com", vmta: "v2")), directive: "max-smtp-out", value: "3",
                              meta: .init(who: "token ops", why: "w", at: 6, until: nil)),
        ]
        let text = OverrideFile.render(overrides)
        let back = try OverrideFile.parse(text, file: "o.conf")
        #expect(back.map(\.target) == overrides.map(\.target))
        #expect(back.map(\.value) == ["10m,1h", "3"])
        #expect(back.map(\.meta) == overrides.map(\.meta))
        #expect(back.allSatisfy { $0.location?.file == "o.conf" })
        for damaged in ["max-smtp-out 3 # {}\n", "<domain a.com>\nmax-smtp-out 3\n</domain>\n",
                        "<domain a.com>\nbounce-after 1d # {\"who\":\"x\",\"why\":\"y\",\"at\":1}\n</domain>\n",
                        "<domain a.com>\n", "</domain>\n", "<virtual-mta v>\n<virtual-mta w>\n"] {
            #expect(throws: ControlError.self, "\(damaged)") { _ = try OverrideFile.parse(damaged, file: "o.conf") }
        }
    }
}
