import Testing
import SluiceConfig

/// examples/sluice.conf is the config operators copy: it must check clean and mean what its
/// comments say.
@Suite("Example config")
struct ExampleConfigTests {
    private let result = ConfigLoader.load(path: repositoryRoot.appendingPathComponent("examples/sluice.conf").path,
                                           strict: true)

    @Test func checksCleanEvenUnderStrict() {
        #expect(lines(result) == [])
    }

    @Test func modelsTheAdvertisedBlocks() throws {
        let m = result.model
        #expect(m.virtualMTAs.keys.sorted() == ["vmta1", "vmta2", "vmta3"])
        #expect(m.virtualMTAs.values.allSatisfy { $0.sourceAddress?.isLoopback == true })
        #expect(m.pools["warm-pool"]?.members == ["vmta1", "vmta2", "vmta3"])
        #expect(m.smtpPatternLists["backoff-errors"]?.firstMatch("421 4.7.0 Try again later")?.actions
                == [.mode(.backoff)])
        #expect(m.httpManagement?.address.isLoopback == true)
        #expect(m.controlSocket != nil)
        #expect(m.acctFiles.count == 1)
        let local = try #require(IPAddress("127.0.0.1"))
        #expect(m.source(for: local)?.defaultVirtualMTA == "warm-pool")
        #expect(m.effectiveSettings(domain: "gmail.com", vmta: "vmta2").maxMsgRate.value.description == "10/s")
        #expect(m.effectiveSettings(domain: "gmail.com", vmta: "vmta1").maxMsgRate.value.description == "50/s")
        #expect(m.effectiveSettings(domain: "aol.com", vmta: nil).backoffMaxMsgRate.value.description == "83/10m")
        #expect(m.effectiveSettings(domain: "outlook.com", vmta: nil).maxMsgRate.value.description == "20/s")
    }
}
