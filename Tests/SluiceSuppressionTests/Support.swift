import Foundation
import SluiceBase
import SluiceSuppression

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/sluice-suppression-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    /// A database file in the directory.
    var database: String { path + "/suppression.sqlite" }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// An entry with a fixed time.
func entry(_ address: String, _ scope: SuppressionScope = .global, reason: String = "bad-mailbox",
           source: String = "test", at milliseconds: Int64 = 1_764_930_672_000) -> SuppressionEntry {
    SuppressionEntry(address: address, scope: scope, reason: reason, source: source, time: Instant(milliseconds: milliseconds))
}
