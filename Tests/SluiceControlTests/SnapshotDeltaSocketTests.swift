import Foundation
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceCore

extension ControlSocketTests {
    @Test func clientMergesDeltasIntoTheNodesLatestSnapshot() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let socket = try RawSocket(path: f.path)
        try socket.writeLine("{\"id\":1,\"subscribe\":{\"interval_ms\":100,\"events\":false}}")
        let ack = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(ack["ok"] as? Bool == true)

        var merger = SnapshotMerger()
        var kinds: [String] = []
        var held = false
        var merged: NodeSnapshot?
        while kinds.count < 40, let line = await socket.nextLine() {
            let frame = try JSONDecoder().decode(ControlFrame.self, from: Data(line.utf8))
            if case .snapshotDelta = frame { kinds.append("delta") } else { kinds.append("full") }
            if case .snapshot(let s)? = merger.receive(frame) { merged = s }
            if kinds.count == 2 && !held {
                _ = try await ControlClient(socketPath: f.path).send(.execute(.hold(domain: "gmail.com")), reason: "test")
                held = true
            }
            if held, kinds.count >= 4, merged?.domains.first(where: { $0.name == "gmail.com" })?.figures.held == true { break }
        }
        #expect(kinds.first == "full")
        #expect(kinds.dropFirst().contains("delta"))
        let result = try #require(merged)
        let gmailHeld = result.queues.filter { $0.domain == "gmail.com" }.allSatisfy { $0.figures.held }
        #expect(gmailHeld)
        #expect(result == (await f.node.snapshot()))
    }

    @Test func controlClientYieldsMergedFullSnapshots() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let stream = ControlClient(socketPath: f.path, client: "console").subscribe(SubscribeOptions(intervalMs: 100, events: false))
        var count = 0
        for try await frame in stream {
            guard case .snapshot(let s) = frame else { Issue.record("only snapshots were asked for: \(frame)"); break }
            count += 1
            if count == 2 { _ = try await ControlClient(socketPath: f.path).send(.execute(.hold(domain: "yahoo.com")), reason: "test") }
            if count > 3, s.domains.first(where: { $0.name == "yahoo.com" })?.figures.held == true {
                #expect(s == (await f.node.snapshot()))
                break
            }
            if count > 50 { Issue.record("the hold never showed up"); break }
        }
    }

    @Test func subscriberThatDroppedFramesGetsAFullSnapshotNext() async throws {
        let f = try await Fixture.start(outboxCapacity: 16)
        defer { Task { await f.stop() } }
        let socket = try RawSocket(path: f.path)
        try socket.writeLine("{\"id\":1,\"subscribe\":{\"interval_ms\":100,\"events\":true}}")
        let ack = try #require(await socket.nextLine().flatMap(jsonObject))
        #expect(ack["ok"] as? Bool == true)
        // Wait for the first full snapshot, so that later snapshots would be deltas.
        while let line = await socket.nextLine(), jsonObject(line)?["type"] as? String != "snapshot" {}

        // The reader stops reading while far more events than the socket buffers and the
        // outbox hold are published: frames are dropped. The outbox drops and counts a frame
        // in offer(), on this thread, so the drops have happened when the loop ends (4 MB
        // against about 70 frames of buffers and 16 of outbox); nothing to wait for.
        for i in 0..<1000 { f.service.events.publish(event(i, diagBytes: 4096)) }

        var merger = SnapshotMerger()
        var sawDrop = false
        var snapshotKindsAfterDrop: [String] = []
        var merged: NodeSnapshot?
        var lines = 0
        while lines < 3000, let line = await socket.nextLine() {
            lines += 1
            let frame = try JSONDecoder().decode(ControlFrame.self, from: Data(line.utf8))
            switch frame {
            case .dropped: sawDrop = true
            case .snapshot where sawDrop: snapshotKindsAfterDrop.append("full")
            case .snapshotDelta where sawDrop: snapshotKindsAfterDrop.append("delta")
            default: break
            }
            if case .snapshot(let s)? = merger.receive(frame), sawDrop { merged = s }
            if snapshotKindsAfterDrop.contains("full"), merged != nil { break }
        }
        #expect(sawDrop)
        #expect(snapshotKindsAfterDrop.first == "full")
        #expect(merged == (await f.node.snapshot()))
    }
}
