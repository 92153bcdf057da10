import Foundation

/// Parses a message with Python's `email` package (a reference parser independent of ours) and
/// returns what it saw as JSON: top-level headers, defects, and per part its type, text or
/// delivery-status blocks.
func parseWithPython(_ message: [UInt8]) throws -> [String: Any] {
    let script = #"""
import sys, json, email
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
out = {"content_type": msg.get_content_type(), "report_type": msg.get_param("report-type"),
       "from": str(msg["From"]), "to": str(msg["To"]), "subject": str(msg["Subject"]),
       "auto_submitted": str(msg["Auto-Submitted"]), "defects": [type(d).__name__ for d in msg.defects],
       "parts": []}
for part in msg.iter_parts():
    p = {"content_type": part.get_content_type(), "defects": [type(d).__name__ for d in part.defects]}
    ct = part.get_content_type()
    if ct in ("text/plain", "text/rfc822-headers"):
        p["text"] = part.get_payload(decode=True).decode("utf-8")
    elif ct == "message/delivery-status":
        p["blocks"] = [{k: str(v) for k, v in block.items()} for block in part.get_payload()]
    elif ct == "message/rfc822":
        inner = part.get_payload()[0]
        p["subject"] = str(inner["Subject"])
        p["body"] = inner.get_payload()
    out["parts"].append(p)
print(json.dumps(out))
"""#
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    try input.fileHandleForWriting.write(contentsOf: message)
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    struct PythonFailed: Error, CustomStringConvertible { var description: String }
    guard process.terminationStatus == 0,
          let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw PythonFailed(description: String(decoding: stderr, as: UTF8.self))
    }
    return json
}
