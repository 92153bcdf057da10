import Glibc
import SluiceServer
import Testing

/// `connections.in` in the node's status: the inbound SMTP connections open now, as the
/// listeners' shared gate counts them (it was once always 0).
@Suite("Inbound connections in the status")
struct InboundConnectionTests {
    @Test("status counts the SMTP connections open now and gives one back when it closes")
    func statusCountsOpenInboundConnections() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let configuration = try loadConfiguration(testConfiguration(spool: "\(dir)/spool", routes: []))
        try await withNode(configuration, directory: dir) { node, _ in
            let port = try #require(await node.smtpPorts.first)
            #expect(await node.snapshot().status.connections.in == 0)
            var sockets: [Int32] = []
            defer { for fd in sockets { close(fd) } }
            for _ in 0..<3 {
                let fd = try connectTo(port: port)
                sockets.append(fd)
                // The greeting comes after the gate admitted the connection.
                #expect(try readLine(fd).hasPrefix("220 "))
            }
            #expect(await node.snapshot().status.connections.in == 3)
            close(sockets.removeLast())
            try await waitUntil("the closed connection given back") { await node.snapshot().status.connections.in == 2 }
        }
    }
}
