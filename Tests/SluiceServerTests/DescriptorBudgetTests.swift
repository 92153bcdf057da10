import Testing
@testable import SluiceServer

/// How the descriptor limit is shared between inbound SMTP, delivery and the rest.
@Suite("Descriptor budget")
struct DescriptorBudgetTests {
    @Test("a quarter of the limit is kept from inbound SMTP (64 to 4,096); delivery gets the reserve less 64")
    func shares() {
        let small = DescriptorBudget(limit: 256, reserved: DescriptorBudget.reserve(for: 256))
        #expect(small.reserved == 64 && small.inboundSessions == 192 && small.outboundConnections == 16)
        let usual = DescriptorBudget(limit: 1024, reserved: DescriptorBudget.reserve(for: 1024))
        #expect(usual.reserved == 256 && usual.inboundSessions == 768 && usual.outboundConnections == 192)
        let large = DescriptorBudget(limit: 1 << 20, reserved: DescriptorBudget.reserve(for: 1 << 20))
        #expect(large.reserved == 4096 && large.outboundConnections == 4032)
    }

    @Test("configured totals that do not fit are lowered with a warning; those that fit are kept")
    func caps() {
        let usual = DescriptorBudget(limit: 1024, reserved: 256)
        #expect(usual.inboundCap(configured: nil).cap == 768)
        #expect(usual.inboundCap(configured: 100) == (100, nil))
        let (inbound, inboundWarning) = usual.inboundCap(configured: 5000)
        #expect(inbound == 768 && inboundWarning?.contains("total-max-smtp-in 5000 does not fit") == true)
        #expect(usual.outboundCap(configured: 150) == (150, nil))
        let (outbound, outboundWarning) = usual.outboundCap(configured: 2000)
        #expect(outbound == 192 && outboundWarning?.contains("total-max-smtp-out is lowered to 192") == true)
    }
}
