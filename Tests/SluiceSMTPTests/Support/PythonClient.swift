import Foundation

/// Runs Scripts/smtp_client.py with a JSON spec and decodes its JSON answer.
enum PythonClient {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/smtp_client.py").path

    static func run(_ spec: [String: Any], timeout: TimeInterval = 30) async throws -> [String: Any] {
        let json = try JSONSerialization.data(withJSONObject: spec)
        let output = try await ChildProcess.run("/usr/bin/python3", [script], input: json, timeout: timeout)
        guard output.status == 0,
              let object = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any] else {
            throw ChildProcess.Failure(description: "python exited \(output.status): "
                + String(decoding: output.stderr, as: UTF8.self))
        }
        return object
    }

    /// smtplib: EHLO, sendmail.
    static func send(port: Int, source: String = "127.0.0.1", from: String, to: [String], body: String,
                     extra: [String: Any] = [:]) async throws -> [String: Any] {
        var spec: [String: Any] = ["mode": "send", "host": "127.0.0.1", "port": port, "source": source,
                                   "from": from, "to": to, "body": body]
        spec.merge(extra) { $1 }
        return try await run(spec)
    }

    /// A raw socket session (after chunk `i`, wait until the reply contains `waitFor[i]`); returns the reply lines received and whether the server closed.
    static func raw(port: Int, chunks: [[UInt8]], source: String = "127.0.0.1", stopAfterLines: Int? = nil,
                    pause: Double? = nil, waitFor: [String] = [], abort: Bool = false,
                    readTimeout: Double = 5) async throws -> (lines: [String], closed: Bool) {
        var spec: [String: Any] = ["mode": "raw", "host": "127.0.0.1", "port": port, "source": source,
                                   "chunks": chunks.map { Data($0).base64EncodedString() }, "read_timeout": readTimeout,
                                   "abort": abort]
        if let stopAfterLines { spec["stop_after"] = stopAfterLines }
        if let pause { spec["pause"] = pause }
        if !waitFor.isEmpty { spec["wait_for"] = waitFor }
        let result = try await run(spec)
        let text = result["received"] as? String ?? ""
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        return (lines, result["closed"] as? Bool ?? false)
    }
}
