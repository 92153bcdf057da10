import Foundation

/// A throwaway self-signed certificate made with the openssl CLI (as SluiceSMTPTests' helper of
/// the same name makes it), also written as the one PEM file, chain then key, that
/// `smtp-server-tls-certificate` takes. Files live in a temporary directory removed afterwards.
struct TestCertificate {
    let certificatePath: String
    let keyPath: String
    /// The certificate and the private key in one file.
    let combinedPath: String

    static func with<T>(_ body: (TestCertificate) async throws -> T) async throws -> T {
        let directory = try makeTemporaryDirectory()
        defer { removeDirectory(directory) }
        let cert = "\(directory)/cert.pem", key = "\(directory)/key.pem", combined = "\(directory)/mta.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=mx.sluice.test"]
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else {
            throw TestError("openssl failed: " + String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let pem = try String(contentsOfFile: cert, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8)
        try pem.write(toFile: combined, atomically: true, encoding: .utf8)
        return try await body(TestCertificate(certificatePath: cert, keyPath: key, combinedPath: combined))
    }
}
