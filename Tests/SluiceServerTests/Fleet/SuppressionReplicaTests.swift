import Foundation
import RedisTestSupport
import SluiceBase
import SluiceConfig
@testable import SluiceServer
import SluiceSuppression
import Testing

/// Nodes with a `<cluster>` block sharing their suppression lists through a redis-server the test
/// starts (docs/fleet.md "Suppression").
@Suite("Fleet nodes sharing the suppression list through redis", .serialized,
       .enabled(if: RedisServerProcess.available, "redis-server is not installed (apt-get install redis-server)"))
struct SuppressionReplicaTests {
    /// A node `node` with a feedback-loop address, `action drop`, and the cluster.
    func configuration(_ dir: String, node: String, redisPort: Int, sinkPort: Int) throws -> ConfigModel {
        try FileManager.default.createDirectory(atPath: "\(dir)/\(node)", withIntermediateDirectories: true)
        return try loadConfiguration(testConfiguration(spool: "\(dir)/\(node)/spool", routes: [("good.test", sinkPort)]) + """
            <feedback-loop-processor>
                <address-list>
                    address fbl@node.test
                </address-list>
            </feedback-loop-processor>
            <suppression>
                action drop
            </suppression>
            """ + clusterBlock(node: node, redisPort: redisPort))
    }

    /// The configurations of nodes a, b and c.
    func configurations(_ dir: String, redisPort: Int, sinkPort: Int) throws -> (ConfigModel, ConfigModel, ConfigModel) {
        (try configuration(dir, node: "a", redisPort: redisPort, sinkPort: sinkPort),
         try configuration(dir, node: "b", redisPort: redisPort, sinkPort: sinkPort),
         try configuration(dir, node: "c", redisPort: redisPort, sinkPort: sinkPort))
    }

    /// The entry `node` has for `address` (any sender), or nil.
    func entry(_ node: MailNode, _ address: String) -> SuppressionEntry? {
        node.suppression.check(recipient: address, sender: "news@origin.test", jobID: nil)
    }

    /// Waits until `node`'s replica has gone through every row of its suppression file.
    func waitPushed(_ node: MailNode) async throws {
        let replica = try #require(node.suppressionReplica)
        let store = try #require(node.suppression.store)
        try await waitUntil("the node's rows pushed") { await replica.pushedRowID == (try store.lastRowID()) }
    }

    @Test("a complaint processed on a suppresses the address on b and c within 1 s; c then drops a message to it; b and c do not publish it again",
          Peers.smtpSink, Peers.python3)
    func complaintReachesTheFleet() async throws {
        try await withFleetPeers { peers in
            let (dir, redis, sink) = (peers.dir, peers.redis, peers.sink)
            let (a, b, c) = try configurations(dir, redisPort: redis.port, sinkPort: sink.port)
            try await withNode(a, directory: dir + "/a") { nodeA, eventsA in
                try await withNode(b, directory: dir + "/b") { nodeB, _ in
                    try await withNode(c, directory: dir + "/c") { nodeC, eventsC in
                        try await waitForLiveNodes([nodeA, nodeB, nodeC])
                        let portA = try #require(await nodeA.smtpPorts.first), portC = try #require(await nodeC.smtpPorts.first)
                        let original = try await Injector.send(
                            [.init(from: "news@origin.test", to: ["reader@good.test"],
                                   headers: "X-Job: spring-sale\r\nMessage-ID: <spring-1@origin.test>\r\n")], port: portA)
                        #expect(original.first?.ok == true)
                        try await waitUntil("the original delivered") { eventsA.events(kind: "delivered").count == 1 }

                        let report = ReportSamples.arf(recipient: "reader@good.test", messageID: "spring-1@origin.test")
                        let answer = try await Injector.send([.init(from: "feedback@yahoo.test", to: ["fbl@node.test"], raw: report)],
                                                             port: portA)
                        #expect(answer.first?.ok == true)
                        try await waitUntil("a suppresses the complainer") { entry(nodeA, "reader@good.test") != nil }
                        let suppressedOnA = ContinuousClock.now
                        try await waitUntil("b and c suppress the complainer") {
                            entry(nodeB, "reader@good.test") != nil && entry(nodeC, "reader@good.test") != nil
                        }
                        let delay = ContinuousClock.now - suppressedOnA
                        #expect(delay <= .seconds(1), "b and c took \(delay)")
                        for node in [nodeB, nodeC] {
                            let taken = try #require(entry(node, "reader@good.test"))
                            #expect(taken.reason == "complaint:abuse" && taken.scope == .global)
                            #expect(taken.source.hasPrefix("fleet a: f 20"), "\(taken.source)")
                        }

                        // c drops a message to the address (action drop): a suppressed event, no delivery.
                        let later = try await Injector.send([.init(to: ["reader@good.test", "other@good.test"])], port: portC)
                        #expect(later.first?.ok == true)
                        try await waitUntil("c delivers the other recipient") { eventsC.events(kind: "delivered").count == 1 }
                        #expect(eventsC.events(kind: "suppressed").map(\.recipient) == ["reader@good.test"])
                        #expect(eventsC.events(kind: "delivered").map(\.recipient) == ["other@good.test"])

                        // Redis holds the entry once, from a: b and c wrote it to their files without publishing it again.
                        for node in [nodeA, nodeB, nodeC] { try await waitPushed(node) }
                        let link = try #require(nodeA.cluster)
                        #expect(try await link.send(["XLEN", "sluice:suppression:changes"]) == .integer(1))
                        let stored = try await link.send(["HGET", "sluice:suppression:global", "reader@good.test"])
                        #expect(stored.string?.contains(#""node":"a""#) == true && stored.string?.contains(#""reason":"complaint:abuse""#) == true,
                                "\(stored)")
                        let onFile = try SuppressionStore(path: "\(dir)/b/spool/suppression.sqlite").entries(for: "reader@good.test")
                        #expect(onFile.map(\.reason) == ["complaint:abuse"])
                    }
                }
            }
        }
    }

    @Test("redis killed: entries added on a (a bounce, the CLI) wait; redis restarted: b gets them; a node started later reads the whole list, a restarted one catches up",
          Peers.smtpSink, Peers.python3)
    func resynchronises() async throws {
        try await withFleetPeers { peers in
            let (dir, redis, sink) = (peers.dir, peers.redis, peers.sink)
            let (a, b, c) = try configurations(dir, redisPort: redis.port, sinkPort: sink.port)
            let time = Instant(milliseconds: 1_764_930_672_000)
            try await withNode(a, directory: dir + "/a") { nodeA, _ in
                try await withNode(b, directory: dir + "/b") { nodeB, _ in
                    try await waitForLiveNodes([nodeA, nodeB])
                    redis.kill()
                    try await waitUntil("a and b degraded") {
                        let (fa, fb) = (await nodeA.snapshot().status.fleet, await nodeB.snapshot().status.fleet)
                        return fa?.isDegraded == true && fb?.isDegraded == true
                    }
                    nodeA.suppression.suppress(recipient: "gone@good.test", reason: "bad-mailbox", source: "b test", sender: nil,
                                               jobID: nil, time: time)
                    let cli = try SuppressionStore(path: "\(dir)/a/spool/suppression.sqlite")
                    try cli.add([SuppressionEntry(address: "listed@good.test", scope: .senderDomain("origin.test"), reason: "manual",
                                                  source: "sluice suppress add by test", time: time)])
                    try await waitUntil("a's file has both") { try cli.entries(for: "gone@good.test").count == 1 }
                    try await waitUntil("a takes in what the CLI added") { entry(nodeA, "listed@good.test") != nil }
                    #expect(entry(nodeB, "gone@good.test") == nil && entry(nodeB, "listed@good.test") == nil)

                    try redis.restart()
                    try await waitUntil("b gets both after the reconnect") {
                        entry(nodeB, "gone@good.test") != nil && entry(nodeB, "listed@good.test") != nil
                    }
                    #expect(entry(nodeB, "listed@good.test")?.scope == .senderDomain("origin.test"))
                    #expect(entry(nodeB, "gone@good.test")?.source == "fleet a: b test")
                    #expect(nodeB.suppression.check(recipient: "listed@good.test", sender: "x@elsewhere.test", jobID: nil) == nil)
                }
                // b is stopped; a adds one more; c starts for the first time and reads the whole list.
                nodeA.suppression.suppress(recipient: "third@good.test", reason: "complaint:abuse", source: "f test", sender: nil,
                                           jobID: nil, time: time)
                try await waitPushed(nodeA)
                try await withNode(c, directory: dir + "/c") { nodeC, _ in
                    try await waitUntil("c has the whole list") {
                        ["gone@good.test", "listed@good.test", "third@good.test"].allSatisfy { entry(nodeC, $0) != nil }
                    }
                }
                // b restarts from its position and catches up from the stream.
                try await withNode(b, directory: dir + "/b") { nodeB, _ in
                    try await waitUntil("b catches up") { entry(nodeB, "third@good.test") != nil }
                    #expect(entry(nodeB, "third@good.test")?.source == "fleet a: f test")
                }
            }
            let position = try #require(FileManager.default.contents(atPath: "\(dir)/b/spool/suppression.sqlite.fleet"))
            #expect(String(decoding: position, as: UTF8.self).contains("stream"))
        }
    }
}
