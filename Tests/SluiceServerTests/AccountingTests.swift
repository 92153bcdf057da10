import Foundation
import SluiceServer
import Testing

/// The node writes the configuration's accounting file: received, delivered and bounced rows.
@Suite("Accounting")
struct AccountingTests {
    @Test("r, d and b rows reach the <acct-file> by the time the node has stopped", Peers.smtpSink, Peers.python3)
    func rowsWritten() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let good = try await SinkProcess(port: try freePort(), directory: dir)
        defer { good.stop() }
        let bad = try await SinkProcess(port: try freePort(), options: ["-f", "RCPT", "-B", "550 5.1.1 No such user"], directory: dir)
        defer { bad.stop() }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [("good.test", good.port), ("bad.test", bad.port)])
            + "<acct-file \(dir)/acct.csv>\n    records r,d,b\n</acct-file>\n"
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            _ = try await Injector.send([.init(to: ["a@good.test", "b@bad.test"])], port: port)
            try await waitUntil("both outcomes") { events.events().count >= 2 }
        }
        let csv = try String(contentsOfFile: "\(dir)/acct.csv", encoding: .utf8)
        let rows = csv.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.filter { $0.first == "r" }.count == 2)
        #expect(rows.filter { $0.first == "d" && $0.contains("a@good.test") }.count == 1)
        #expect(rows.filter { $0.first == "b" && $0.contains("b@bad.test") }.count == 1)
    }

    @Test("record-fields header_NAME columns carry the message's header values into r and d rows")
    func headerColumns() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let good = try await SinkProcess(port: try freePort(), directory: dir)
        defer { good.stop() }
        let text = testConfiguration(spool: "\(dir)/spool", routes: [("good.test", good.port)])
            + """
            <acct-file \(dir)/acct.csv>
                records r,d
                record-fields d rcpt,header_Subject,header_message-id,header_X-Absent
                record-fields r rcpt,header_Subject
            </acct-file>

            """
        try await withNode(try loadConfiguration(text), directory: dir) { node, events in
            let port = try #require(await node.smtpPorts.first)
            _ = try await Injector.send([.init(to: ["a@good.test"])], port: port)
            try await waitUntil("delivered") { events.events(kind: "delivered").count >= 1 }
        }
        let csv = try String(contentsOfFile: "\(dir)/acct.csv", encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty } == [
            "type,rcpt,header_Subject,header_message-id,header_X-Absent",
            "r,a@good.test,test 0,,",
            "d,a@good.test,test 0,<t0@origin.test>,",
        ])
    }
}
