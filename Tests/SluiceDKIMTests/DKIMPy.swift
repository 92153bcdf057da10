import Foundation
import SluiceDKIM

/// Runs Scripts/dkim_verify.py: dkimpy's verdict on each signature of each message.
enum DKIMPy {
    /// For each message, one verdict per DKIM-Signature field, top to bottom. `records` maps
    /// `SELECTOR._domainkey.DOMAIN` to the TXT text dkimpy is given for it.
    static func verify(_ messages: [[UInt8]], records: [String: String]) throws -> [[Bool]] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Scripts/dkim_verify.py").path
        let request: [String: Any] = [
            "records": records,
            "messages": messages.map { Data($0).base64EncodedString() },
        ]
        let input = try JSONSerialization.data(withJSONObject: request)
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
            throw DKIMError("dkim_verify.py failed: " + String(decoding: errors, as: UTF8.self))
        }
        if !errors.isEmpty { print("dkimpy: " + String(decoding: errors, as: UTF8.self)) }
        return results
    }

    /// The TXT record text for `key`.
    static func record(_ key: DKIMPrivateKey) -> String { DKIMKeyRecord(publishing: key).text }
}
