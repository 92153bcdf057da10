import Foundation
import Testing

/// The PowerMTA `<source>` header directives of fdafaf2 end to end: what the scripted peer
/// receives, and the job id in the accounting file.
@Suite("PowerMTA <source> header directives end to end")
struct PowerMTASourceDirectiveTests {
    /// Two Received fields from before Sluice, and two custom fields.
    static let headers = "Received: from app.origin.test by relay.origin.test; Mon, 2 Nov 2026 10:00:00 +0000\r\n"
        + "Received: from localhost by app.origin.test; Mon, 2 Nov 2026 09:59:59 +0000\r\n"
        + "X-Secret: hush\r\nX-Other: keep me\r\nX-Job: job-from-x-job\r\nX-Campaign: spring-sale\r\n"

    /// Delivers one message with ``headers`` through a node with `source` in `<source 127.0.0.1>`
    /// (and `top` at the top level); returns the header section the peer received and the rows.
    func deliverWithHeaders(source: String, top: String = "") async throws -> (headers: [String], rows: [[String: String]]) {
        try await withPeers([ScriptedPeer.Script()]) { dir, peers in
            let rows = try await deliver([.init(to: ["u@headers.test"], headers: Self.headers)], domain: "headers.test",
                                         route: peers[0].route, settings: "", source: source, top: top, dir: dir,
                                         until: "the delivery") { !$0.of("d").isEmpty }
            let content = try #require(peers[0].sessions.flatMap(\.contents).first)
            return (Array(content.prefix { !$0.isEmpty }), rows)
        }
    }

    @Test("remove-received-headers yes: the peer's copy keeps only Sluice's own Received field; remove-header X-Secret removes it",
          Peers.python3)
    func removeReceivedAndNamedHeaders() async throws {
        let removed = try await deliverWithHeaders(source: "remove-received-headers yes\nremove-header X-Secret,X-Unused")
        let received = removed.headers.filter { $0.lowercased().hasPrefix("received:") }
        #expect(received.count == 1)
        // Sluice's own (added after the removal, first in the header, folded over lines).
        #expect(removed.headers.first?.hasPrefix("Received: from ") == true)
        #expect(removed.headers.contains { $0.contains("by node.test (Sluice)") })
        #expect(!removed.headers.contains { $0.contains("origin.test by") })
        #expect(!removed.headers.contains { $0.lowercased().hasPrefix("x-secret:") })
        #expect(removed.headers.contains("X-Other: keep me"))
        // Without the directives the old Received fields and X-Secret reach the peer.
        let kept = try await deliverWithHeaders(source: "")
        #expect(kept.headers.filter { $0.lowercased().hasPrefix("received:") }.count == 3)
        #expect(kept.headers.contains("X-Secret: hush"))
    }

    @Test("jobid-header X-Campaign (in <source>, and at the top level): its value is the accounting jobId and the field is removed",
          Peers.python3)
    func jobIDHeader() async throws {
        for (source, top) in [("jobid-header X-Campaign", ""), ("", "jobid-header X-Campaign")] {
            let result = try await deliverWithHeaders(source: source, top: top)
            #expect(result.rows.of("r").map { $0["jobId"] } == ["spring-sale"])
            #expect(result.rows.of("d").map { $0["jobId"] } == ["spring-sale"])
            #expect(!result.headers.contains { $0.lowercased().hasPrefix("x-campaign:") })
            // X-Job is an ordinary field now: left in the message.
            #expect(result.headers.contains("X-Job: job-from-x-job"))
        }
        // By default X-Job gives the job id and X-Campaign is an ordinary field.
        let plain = try await deliverWithHeaders(source: "")
        #expect(plain.rows.of("d").map { $0["jobId"] } == ["job-from-x-job"])
        #expect(plain.headers.contains("X-Campaign: spring-sale"))
        #expect(!plain.headers.contains { $0.lowercased().hasPrefix("x-job:") })
    }
}
