import Foundation
import SluiceDKIM

/// Keys on disk, a sink that keeps each message, and dkimpy's verdicts for DKIM tests.
enum DKIMFixtures {
    /// Generates a key, writes it (0600) to `directory/NAME.pem`, returns the key and the path.
    static func writeKey(_ type: DKIMKeyType = .rsa, named name: String, in directory: String) throws -> (DKIMPrivateKey, String) {
        let key = try DKIMPrivateKey.generate(type, bits: 2048)
        let path = "\(directory)/\(name).pem"
        guard FileManager.default.createFile(atPath: path, contents: Data(try key.pemRepresentation().utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw TestError("cannot write \(path)")
        }
        return (key, path)
    }

    /// smtp-sink options that dump every message into `directory` (created, writable by the
    /// sink's unprivileged user, its parent made traversable for that user).
    static func dumpOptions(_ directory: String) throws -> [String] {
        _ = chmod((directory as NSString).deletingLastPathComponent, 0o711)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        _ = chmod(directory, 0o777)
        return ["-d", "\(directory)/%M."]
    }

    /// The messages smtp-sink dumped into `directory`, with the recipients it noted (its
    /// `X-Rcpt-Args` header).
    static func dumped(in directory: String) -> [(recipients: String, bytes: [UInt8])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            let recipients = text.split(separator: "\n").first { $0.hasPrefix("X-Rcpt-Args:") }.map(String.init) ?? ""
            return (recipients, Array(data))
        }
    }

    /// Whether `message` has a DKIM-Signature field in its header.
    static func isSigned(_ message: [UInt8]) -> Bool {
        let text = String(decoding: message, as: UTF8.self)
        let header = text.components(separatedBy: "\n\n").first ?? text
        return header.lowercased().contains("\ndkim-signature:") || header.lowercased().hasPrefix("dkim-signature:")
    }

    /// dkimpy's verdict on each signature of each message, top to bottom; `records` maps
    /// `SELECTOR._domainkey.DOMAIN` to its TXT text. Runs Tests/SluiceDKIMTests/Scripts/dkim_verify.py.
    static func verify(_ messages: [[UInt8]], records: [String: String]) throws -> [[Bool]] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SluiceDKIMTests/Scripts/dkim_verify.py").path
        let input = try JSONSerialization.data(withJSONObject: [
            "records": records, "messages": messages.map { Data($0).base64EncodedString() },
        ] as [String: Any])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: output) as? [String: Any],
              let results = object["results"] as? [[Bool]] else {
            throw TestError("dkim_verify.py failed: " + String(decoding: errors, as: UTF8.self))
        }
        return results
    }
}
