import Foundation
import Testing
@testable import SluiceControlClient
@testable import SluiceControlProtocol
@testable import SluiceControlServer
import SluiceCore

@Suite("Snapshot deltas")
struct SnapshotDeltaTests {
    static func queue(_ domain: String, _ vmta: String, queued: Int) -> QueueRow {
        QueueRow(domain: domain, vmta: vmta, figures: figures(queued: queued))
    }

    static func vmta(_ name: String, connections: Int) -> VMTARow {
        VMTARow(name: name, source: "127.0.0.10", paused: false, connections: connections, queued: 0,
                deliveredPerMin: 0, deferredPerMin: 0, busiestDomains: [])
    }

    static func status(queued: Int) -> StatusSnapshot {
        StatusSnapshot(node: "mx1.test", uptimeS: 1, queued: queued, in: .init(msgs: 0, perS: 0),
                       out: .init(delivered: 0, deferred: 0, bounced: 0, perS: 0, deferredPerS: 0, bouncedPerS: 0),
                       connections: .init(in: 0, out: 0), spool: .init(bytes: 0, freeBytes: 0), controls: [],
                       history: .init(in: [], out: []))
    }

    static let base = NodeSnapshot(
        status: status(queued: 10),
        domains: [DomainRow(name: "a.com", figures: figures(queued: 1)), DomainRow(name: "b.com", figures: figures(queued: 2)),
                  DomainRow(name: "c.com", figures: figures(queued: 3))],
        queues: [queue("a.com", "v1", queued: 1), queue("b.com", "v1", queued: 2), queue("c.com", "v1", queued: 3)],
        vmtas: [vmta("v1", connections: 1), vmta("v2", connections: 2)])

    /// b.com changed, c.com removed, d.com new; v2 removed; status changed.
    static let next = NodeSnapshot(
        status: status(queued: 11),
        domains: [DomainRow(name: "a.com", figures: figures(queued: 1)), DomainRow(name: "b.com", figures: figures(queued: 5)),
                  DomainRow(name: "d.com", figures: figures(queued: 4))],
        queues: [queue("a.com", "v1", queued: 1), queue("b.com", "v1", queued: 5), queue("d.com", "v1", queued: 4)],
        vmtas: [vmta("v1", connections: 1)])

    @Test func deltaCarriesOnlyChangedNewAndRemovedRowsAndMergesBackExactly() throws {
        let delta = try #require(SnapshotDelta.between(Self.base, Self.next))
        #expect(delta.domains.map(\.name) == ["b.com", "d.com"])
        #expect(delta.removedDomains == ["c.com"])
        #expect(delta.queues.map(\.name) == ["b.com/v1", "d.com/v1"])
        #expect(delta.removedQueues == ["c.com/v1"])
        #expect(delta.vmtas.isEmpty)
        #expect(delta.removedVMTAs == ["v2"])
        #expect(delta.status.queued == 11)
        #expect(delta.applied(to: Self.base) == Self.next)
    }

    @Test func unchangedSnapshotGivesAnEmptyDeltaWithTheNewStatus() throws {
        var same = Self.base
        same.status = Self.status(queued: 99)
        let delta = try #require(SnapshotDelta.between(Self.base, same))
        #expect(delta.domains.isEmpty && delta.queues.isEmpty && delta.vmtas.isEmpty)
        #expect(delta.removedDomains.isEmpty && delta.removedQueues.isEmpty && delta.removedVMTAs.isEmpty)
        #expect(delta.applied(to: Self.base) == same)
    }

    @Test func reorderedRowsOrDuplicateNamesNeedAFullSnapshot() {
        var reordered = Self.base
        reordered.domains.reverse()
        #expect(SnapshotDelta.between(Self.base, reordered) == nil)
        var duplicated = Self.base
        duplicated.queues.append(Self.queue("a.com", "v1", queued: 9))
        #expect(SnapshotDelta.between(Self.base, duplicated) == nil)
    }

    @Test func deltaFrameRoundTripsThroughTheWireFormat() throws {
        let delta = try #require(SnapshotDelta.between(Self.base, Self.next))
        let data = try controlJSONEncoder().encode(ControlFrame.snapshotDelta(delta))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["type"] as? String == "snapshot-delta")
        #expect(object["removed_domains"] as? [String] == ["c.com"])
        #expect(object["removed_vmtas"] as? [String] == ["v2"])
        #expect(try JSONDecoder().decode(ControlFrame.self, from: data) == .snapshotDelta(delta))
    }

    @Test func framerSendsFullFirstThenDeltasThenFullEveryThirtyFrames() {
        var framer = SnapshotFramer()
        var kinds: [String] = []
        for i in 0..<(SnapshotFramer.fullEvery * 2) {
            var s = Self.base
            s.status = Self.status(queued: i)
            switch framer.frame(for: s, framesDropped: false) {
            case .snapshot: kinds.append("full")
            case .snapshotDelta: kinds.append("delta")
            default: kinds.append("other")
            }
        }
        #expect(kinds[0] == "full")
        #expect(kinds[SnapshotFramer.fullEvery] == "full")
        #expect(kinds.filter { $0 == "full" }.count == 2)
        #expect(kinds.filter { $0 == "delta" }.count == SnapshotFramer.fullEvery * 2 - 2)
    }

    @Test func framerSendsAFullSnapshotRightAfterAnyDroppedFrame() {
        var framer = SnapshotFramer()
        _ = framer.frame(for: Self.base, framesDropped: false)
        guard case .snapshotDelta = framer.frame(for: Self.next, framesDropped: false) else {
            Issue.record("an undropped stream sends deltas"); return
        }
        guard case .snapshot(let full) = framer.frame(for: Self.base, framesDropped: true) else {
            Issue.record("a frame was dropped: the next one must be full"); return
        }
        #expect(full == Self.base)
        guard case .snapshotDelta = framer.frame(for: Self.next, framesDropped: false) else {
            Issue.record("deltas resume after the full snapshot"); return
        }
    }

    @Test func mergerIgnoresDeltasWithoutABaseAndForgetsItsBaseOnDrops() throws {
        let delta = try #require(SnapshotDelta.between(Self.base, Self.next))
        var merger = SnapshotMerger()
        #expect(merger.receive(.snapshotDelta(delta)) == nil)
        #expect(merger.receive(.snapshot(Self.base)) == .snapshot(Self.base))
        #expect(merger.receive(.snapshotDelta(delta)) == .snapshot(Self.next))
        #expect(merger.receive(.dropped(count: 2)) == .dropped(count: 2))
        #expect(merger.receive(.snapshotDelta(delta)) == nil)
        #expect(merger.current == nil)
    }
}
