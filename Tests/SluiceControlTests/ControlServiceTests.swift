import Foundation
import SluiceCore
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer

@Suite("Command layer and audit log")
struct ControlServiceTests {
    static let alice = ControlActor.socketPeer(uid: 1000, user: "alice", label: "cli")

    @Test func mutatingCommandsAreAuditedWithWhoWhyAndUntil() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/audit.log"
        let node = FakeNode()
        let service = ControlService(node: node, auditLog: try AuditLog(path: path), clock: VirtualClock(Instant(milliseconds: 1_700_000_000_000)))

        _ = try await service.handle(.execute(.hold(domain: "gmail.com")), reason: "complaints spike", ttlSeconds: 1800, by: Self.alice)
        _ = try await service.handle(.execute(.release(domain: "gmail.com")), by: Self.alice)
        await #expect(throws: ControlError.self) {
            _ = try await service.handle(.execute(.hold(domain: "nosuch.example")), reason: "typo", by: Self.alice)
        }
        await #expect(throws: ControlError.self) {
            _ = try await service.handle(.execute(.setMode(target: .domain("gmail.com"), mode: "turbo")), reason: "x", by: Self.alice)
        }
        // Queries are not audited.
        _ = try await service.handle(.status, by: Self.alice)

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let records = try lines.map { try JSONDecoder().decode(AuditRecord.self, from: Data($0.utf8)) }
        #expect(records[0].actor == Self.alice)
        #expect(records[0].action == "hold gmail.com")
        #expect(records[0].reason == "complaints spike")
        #expect(records[0].until == 1_700_001_800)
        #expect(records[0].ok)
        #expect(records[1].reason.contains("no reason given"))
        #expect(records[1].until == nil)
        #expect(!records[2].ok)
        #expect(records[2].result.hasPrefix("unknown-queue"))
        #expect(!records[3].ok)
        #expect(records[3].result.hasPrefix("usage"))
        // Refused before the node: only three commands reached it.
        #expect(await node.executedCount() == 3)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test func aFailingAuditLogDoesNotHideADoneAction() async throws {
        let node = FakeNode()
        let service = ControlService(node: node, auditLog: try AuditLog(path: "/dev/full"))
        guard case .outcome(let outcome) = try await service.handle(.execute(.hold(domain: "gmail.com")), by: Self.alice) else {
            Issue.record("no outcome"); return
        }
        #expect(outcome.message.hasPrefix("held gmail.com (warning: cannot append to audit log /dev/full"))
        #expect(await node.executedCount() == 1)
    }

    @Test func contextCarriesTheActorAndDefaultReason() async throws {
        let node = FakeNode()
        let service = ControlService(node: node, auditLog: nil, clock: VirtualClock(Instant(milliseconds: 100_000)))
        _ = try await service.handle(.execute(.hold(domain: "yahoo.com")), ttlSeconds: 60,
                                     by: .socketPeer(uid: 0, user: "root", label: "console"))
        let (_, context) = try #require(await node.lastCommand())
        #expect(context.actor.label == "console")
        #expect(context.reason.contains("console"))
        #expect(context.issuedAt == 100)
        #expect(context.expiresAt == 160)
    }

    @Test func queriesAnswerFromTheNode() async throws {
        let service = ControlService(node: FakeNode(), auditLog: nil)
        guard case .domains(let top) = try await service.handle(.topDomains(limit: 1), by: Self.alice) else {
            Issue.record("not domains"); return
        }
        #expect(top.map(\.name) == ["gmail.com"])
        await #expect(throws: ControlError.self) { _ = try await service.handle(.topDomains(limit: 0), by: Self.alice) }
        await #expect(throws: ControlError.self) { _ = try await service.handle(.status, ttlSeconds: 5, by: Self.alice) }
    }

    @Test func eventHubStreamKeepsTheNewestWhenBehind() async {
        let hub = EventHub()
        let stream = hub.stream(capacity: 3)
        #expect(hub.subscriberCount == 1)
        for i in 0..<10 { hub.publish(event(i)) }
        var seen: [String] = []
        for await e in stream {
            seen.append(e.recipient)
            if seen.count == 3 { break }
        }
        #expect(seen == ["user7@gmail.com", "user8@gmail.com", "user9@gmail.com"])
    }
}

@Suite("In-process endpoint")
struct InProcessEndpointTests {
    @Test func sendsAndStreamsLikeTheSocketClient() async throws {
        let node = FakeNode()
        let service = ControlService(node: node, auditLog: nil)
        let endpoint: any ControlEndpoint = InProcessEndpoint(service: service, actor: .socketPeer(uid: 0, user: "root", label: "console"))
        guard case .outcome = try await endpoint.send(.execute(.hold(domain: "gmail.com")), reason: nil, ttlSeconds: nil) else {
            Issue.record("no outcome"); return
        }
        #expect(await node.lastCommand()?.1.reason.contains("console") == true)
        var sawSnapshot = false
        for try await frame in endpoint.subscribe(SubscribeOptions(intervalMs: 100)) {
            if case .snapshot = frame, !sawSnapshot { sawSnapshot = true; service.events.publish(event(5)) }
            if case .event(let e) = frame { #expect(e.recipient == "user5@gmail.com"); break }
        }
        #expect(sawSnapshot)
        // The subscription ended with the loop: the hub forgets it.
        try await waitUntil("the hub forgets the subscription") { service.events.subscriberCount == 0 }
    }

    @Test func slowConsumerLosesOldFramesAndIsToldExactlyHowMany() async throws {
        let service = ControlService(node: FakeNode(), auditLog: nil)
        let endpoint = InProcessEndpoint(service: service, actor: .token("t"), capacity: 4)
        var frames = endpoint.subscribe(SubscribeOptions(intervalMs: 60_000, snapshots: false, events: true)).makeAsyncIterator()
        for i in 0..<100 { service.events.publish(event(i)) }
        var received = 0
        var dropped = 0
        func count(_ frame: ControlFrame?) {
            switch frame {
            case .event?: received += 1
            case .dropped(let n)?: dropped += n
            default: break
            }
        }
        for _ in 0..<4 { count(try await frames.next()) }
        // One more event brings the count of what was lost.
        service.events.publish(event(100))
        for _ in 0..<2 { count(try await frames.next()) }
        #expect(dropped > 0)
        #expect(received + dropped == 101)
    }
}
