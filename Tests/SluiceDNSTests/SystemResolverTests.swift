import Foundation
import SluiceBase
import Testing
@testable import SluiceDNS

/// libresolv against a loopback DNS stub (Scripts/dns_stub.py): the real system path, no
/// traffic beyond 127.0.0.1.
@Suite struct SystemResolverTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/dns_stub.py").path

    /// Starts the stub, its table extended by `zone` (the JSON the script documents), runs `body`
    /// with its port, and stops it even on failure.
    static func withStub<T>(zone: [String: Any] = [:], _ body: (UInt16) async throws -> T) async throws -> T {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, String(decoding: try JSONSerialization.data(withJSONObject: zone), as: UTF8.self)]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        defer {
            try? stdin.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let firstLine: String = await withCheckedContinuation { continuation in
            Thread {
                var data = Data()
                while !data.contains(10) {
                    let chunk = stdout.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    data.append(chunk)
                }
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        let object = try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any]
        let port = try #require(object?["port"] as? Int)
        return try await body(UInt16(port))
    }

    @Test(Peers.python3) func mxAddressNullMXAndNXDOMAINThroughLibresolv() async throws {
        try await Self.withStub { port in
            let querier = SystemResolver(nameserver: ("127.0.0.1", port), timeoutSeconds: 2, attempts: 1)
            let resolver = MXResolver(querier: querier, clock: VirtualClock(.zero))
            let route = await resolver.route(for: "mx.stub.test")
            guard case .hosts(let hosts) = route else { Issue.record("unexpected \(route)"); return }
            #expect(Set(hosts.prefix(2)) == ["mx-a.stub.test", "mx-b.stub.test"])
            #expect(hosts.last == "backup.stub.test")
            #expect(await resolver.route(for: "nullmx.stub.test") == .nullMX)
            #expect(await resolver.route(for: "empty.stub.test") == .implicitMX("empty.stub.test"))
            #expect(await resolver.route(for: "nowhere.stub.test") == .noSuchDomain)
            #expect(await resolver.addresses(of: "host.stub.test") == .addresses(["127.0.0.9", "0:0:0:0:0:0:0:1"]))
            #expect(await resolver.addresses(of: "empty.stub.test") == .noAddress)
        }
    }

    @Test(Peers.python3) func txtRecordsThroughLibresolv() async throws {
        let zone: [String: Any] = [
            "sel._domainkey.stub.test": ["txt": [["v=DKIM1; k=ed25519; ", "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="]]],
            "two.stub.test": ["txt": [["first"], ["sec", "ond"]]],
            "broken.stub.test": ["rcode": 2],
        ]
        try await Self.withStub(zone: zone) { port in
            let querier = SystemResolver(nameserver: ("127.0.0.1", port), timeoutSeconds: 2, attempts: 1)
            #expect(await querier.txtRecords(of: "sel._domainkey.stub.test")
                    == .records(["v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="]))
            #expect(await querier.txtRecords(of: "two.stub.test") == .records(["first", "second"]))
            #expect(await querier.txtRecords(of: "empty.stub.test") == .noRecords)
            #expect(await querier.txtRecords(of: "mx.stub.test") == .noRecords)
            #expect(await querier.txtRecords(of: "nowhere.stub.test") == .noSuchName)
            guard case .failed(let reason) = await querier.txtRecords(of: "broken.stub.test") else {
                Issue.record("SERVFAIL should be a failed lookup")
                return
            }
            // libresolv skips a SERVFAIL answer (it would try the next server) rather than return it.
            #expect(reason == "no answer for broken.stub.test txt: no usable answer (timed out, or the name server answered "
                    + "SERVFAIL or REFUSED)")
        }
    }

    @Test(Peers.python3) func unreachableServerIsATemporaryFailure() async throws {
        // A UDP port nobody listens on (the stub's, after it stopped).
        let port = try await Self.withStub { $0 }
        let querier = SystemResolver(nameserver: ("127.0.0.1", port), timeoutSeconds: 1, attempts: 1)
        let resolver = MXResolver(querier: querier, clock: VirtualClock(.zero))
        guard case .temporaryFailure = await resolver.route(for: "mx.stub.test") else {
            Issue.record("expected a temporary failure")
            return
        }
        #expect(await querier.txtRecords(of: "mx.stub.test")
                == .failed("no answer for mx.stub.test txt: no name server reachable (connection refused)"))
    }
}
