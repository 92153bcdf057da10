import Foundation
import SluiceBase
import Testing
@testable import SluiceSpool

@Suite("Persisted operator controls")
struct ControlTests {
    @Test("Controls survive a restart; removed and expired ones do not")
    func persistence() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let now = Instant(milliseconds: 1_000_000)
        do {
            let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
            try spool.saveControl(id: "hold/domain/gmail.com", data: Data(#"{"reason":"complaints"}"#.utf8), expiresAt: nil)
            try spool.saveControl(id: "pause/vmta/vmta1", data: Data("p".utf8), expiresAt: now + .init(milliseconds: 60_000))
            try spool.saveControl(id: "throttle/yahoo.com", data: Data("t".utf8), expiresAt: now - .init(milliseconds: 1))
            try spool.saveControl(id: "hold/domain/aol.com", data: Data("x".utf8), expiresAt: nil)
            try spool.saveControl(id: "hold/domain/gmail.com", data: Data(#"{"reason":"updated"}"#.utf8), expiresAt: nil)
            try spool.removeControl(id: "hold/domain/aol.com")
            try spool.removeControl(id: "never/existed")
            await spool.close()
        }
        let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        let loaded = try spool.loadControls(now: now)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.controls == [
            StoredControl(id: "hold/domain/gmail.com", data: Data(#"{"reason":"updated"}"#.utf8), expiresAt: nil),
            StoredControl(id: "pause/vmta/vmta1", data: Data("p".utf8), expiresAt: now + .init(milliseconds: 60_000)),
        ])
        // The expired control's file was deleted on load.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/controls")
        #expect(files.count == 2)
        // Later, the pause lapses as well.
        #expect(try spool.loadControls(now: now + .init(milliseconds: 60_000)).controls.map(\.id) == ["hold/domain/gmail.com"])
    }

    @Test("A damaged control file is reported, not misread; bad ids are refused")
    func damagedControl() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (spool, _) = try Spool.open(directory: dir.path, options: testOptions())
        defer { Task { await spool.close() } }
        try spool.saveControl(id: "a", data: Data("one".utf8), expiresAt: nil)
        try spool.saveControl(id: "b", data: Data("two".utf8), expiresAt: nil)
        let path = dir.path + "/controls/62.ctl"   // "b" in hex
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let loaded = try spool.loadControls(now: .zero)
        #expect(loaded.controls.map(\.id) == ["a"])
        #expect(loaded.warnings.count == 1 && loaded.warnings[0].hasPrefix(path + "@0:"))
        #expect(throws: SpoolError.invalidControlID("")) { try spool.saveControl(id: "", data: Data(), expiresAt: nil) }
        let long = String(repeating: "x", count: 121)
        #expect(throws: SpoolError.invalidControlID(long)) { try spool.saveControl(id: long, data: Data(), expiresAt: nil) }
    }
}
