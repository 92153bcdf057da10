import Foundation

/// A throwaway self-signed certificate made with the openssl CLI in a temporary directory,
/// removed by `with` afterwards.
struct TestCertificate {
    let certificatePath: String
    let keyPath: String

    static func with<T>(_ body: (TestCertificate) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let output = try await ChildProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=mx.sluice.test",
        ])
        guard output.status == 0 else {
            throw ChildProcess.Failure(description: "openssl failed: " + String(decoding: output.stderr, as: UTF8.self))
        }
        return try await body(TestCertificate(certificatePath: cert, keyPath: key))
    }
}
