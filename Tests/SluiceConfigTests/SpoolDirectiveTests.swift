import Testing
@testable import SluiceConfig

@Suite("spool directive")
struct SpoolDirectiveTests {
    @Test("`spool DIR` at the top level is the short form of `<spool DIR>`")
    func shortForm() {
        let result = ConfigLoader.load(text: "spool /tmp/sluice-spool\ncontrol-socket /tmp/c.sock\n", fileName: "t.conf")
        #expect(result.diagnostics.isEmpty)
        #expect(result.model.spoolPath == "/tmp/sluice-spool")
    }
}
