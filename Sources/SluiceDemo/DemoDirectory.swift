import Foundation

/// The demo's directory: the spool, the logs and the accounting file.
enum DemoDirectory {
    /// `requested` (created when missing), or a new temporary one that the run removes.
    static func prepare(_ requested: String?) throws(DemoError) -> (path: String, removes: Bool) {
        if let requested {
            do {
                try FileManager.default.createDirectory(atPath: requested, withIntermediateDirectories: true)
            } catch {
                throw .directory("cannot create \(requested): \(error.localizedDescription)")
            }
            return (requested, false)
        }
        var template = Array((NSTemporaryDirectory() + "/sluice-demo-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> UnsafeMutablePointer<CChar>? in
            guard let base = buffer.baseAddress else { return nil }
            return mkdtemp(base)
        }
        guard let made else {
            throw .directory("cannot create a temporary directory in \(NSTemporaryDirectory())")
        }
        return (URL(fileURLWithPath: String(cString: made)).standardizedFileURL.path, true)
    }

    /// Removes `path` when the run made it.
    static func remove(_ path: String, if removes: Bool) {
        if removes { try? FileManager.default.removeItem(atPath: path) }
    }
}
