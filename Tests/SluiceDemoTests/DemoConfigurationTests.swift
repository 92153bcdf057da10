import SluiceConfig
import SluiceDemo
import Testing

@Suite struct DemoConfigurationTests {
    private let configuration = DemoConfiguration(
        receiverPorts: ["gmail": 40001, "yahoo": 40002, "outlook": 40003, "generic": 40004],
        spoolDirectory: "/tmp/sluice-demo-test/spool", accountingFile: "/tmp/sluice-demo-test/acct.csv",
        controlSocket: "/tmp/sluice-demo-test/control.sock")

    @Test func loadsWithoutErrorsOrWarningsEvenWhenStrict() {
        let result = ConfigLoader.load(text: configuration.text, fileName: "demo.conf", strict: true)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
    }

    @Test func routesEachProviderToItsReceiverOnLoopback() throws {
        let model = configuration.load().model
        #expect(model.virtualMTAs.count == 3)
        for (domain, port) in [("gmail.com", 40001), ("yahoo.com", 40002), ("outlook.com", 40003), ("hotmail.com", 40003),
                               ("example.net", 40004)] {
            let settings = model.effectiveSettings(domain: domain, vmta: "vmta1")
            let hosts = settings.smtpHosts.value
            #expect(hosts.count == 1, "\(domain)")
            #expect(hosts.first?.description == "[127.0.0.1]:\(port)", "\(domain)")
        }
    }
}
