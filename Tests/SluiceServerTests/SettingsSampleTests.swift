import Foundation
import SluiceConfig
import SluiceControlClient
import SluiceControlProtocol
import SluiceServer
import Testing

/// The settings answer of a running node carries a sample of the target's queued recipients.
@Suite("Settings with a queued sample")
struct SettingsSampleTests {
    @Test("a held domain's settings list its queued recipients, oldest first, never attempted", Peers.python3)
    func heldDomainSample() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: [("held.test", try freePort())]))
        try await withNode(config, directory: dir) { node, _ in
            let client = ControlClient(socketPath: "\(dir)/c.sock", client: "test")
            _ = try await client.send(.execute(.hold(domain: "held.test")), reason: "test")
            let port = try #require(await node.smtpPorts.first)
            _ = try await Injector.send((0..<25).map { .init(to: ["r\($0)@held.test"]) }, port: port)
            try await waitUntil("25 recipients queued") {
                await node.snapshot().domains.first { $0.name == "held.test" }?.figures.queued == 25
            }
            let settings = try await node.settings(for: .domain("held.test"))
            #expect(settings.recipients.count == 20)
            #expect(settings.recipients.first?.recipient == "r0@held.test")
            #expect(settings.recipients.allSatisfy { $0.attempts == 0 && $0.lastReply.isEmpty && $0.ageS >= 0 && $0.ageS < 600 })
            #expect(settings.history.count > 0, "the delivered history (all zero) is sent")
            let decoded = try JSONDecoder().decode(SettingsSnapshot.self, from: JSONEncoder().encode(settings))
            #expect(decoded.recipients == settings.recipients)
        }
    }
}
