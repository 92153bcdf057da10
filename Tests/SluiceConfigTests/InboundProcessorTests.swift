import Foundation
import Testing
@testable import SluiceConfig

@Suite("<bounce-processor> and <feedback-loop-processor>")
struct InboundProcessorTests {
    @Test("directives and the nested <address-list> are in the model, without a diagnostic")
    func processorsParsed() throws {
        let result = load("""
        <bounce-processor>
            deliver-unmatched-email yes
            deliver-matched-email no
            forward-unmatched-to postmaster@example.com
            forward-errors-to errors@example.com
            <address-list>
                domain Bounces.Example.com
                address /^bounce-[0-9]+@example\\.com$/
                address Return@Example.net
            </address-list>
        </bounce-processor>
        <feedback-loop-processor>
            <address-list>
                address fbl@example.com
            </address-list>
        </feedback-loop-processor>
        """)
        #expect(result.errors.isEmpty, "\(lines(result))")
        #expect(lines(result).isEmpty, "the blocks are supported: no diagnostic")
        try #require(result.model.inboundProcessors.count == 2)
        let bounce = result.model.inboundProcessors[0]
        #expect(bounce.kind == .bounce)
        #expect(bounce.deliverUnmatchedEmail)
        #expect(!bounce.deliverMatchedEmail)
        #expect(bounce.forwardUnmatchedTo == "postmaster@example.com")
        #expect(bounce.forwardErrorsTo == "errors@example.com")
        #expect(bounce.addresses.domains == ["bounces.example.com"])
        #expect(bounce.addresses.addresses == ["return@example.net"])
        #expect(bounce.addresses.patterns.count == 1)
        #expect(bounce.accepts("anyone@BOUNCES.example.com"))
        #expect(bounce.accepts("bounce-42@example.com"))
        #expect(bounce.accepts("return@example.NET"))
        #expect(!bounce.accepts("bounce-x@example.com"))
        #expect(!bounce.accepts("a@sub.bounces.example.com"))
        let fbl = result.model.inboundProcessors[1]
        #expect(fbl.kind == .feedbackLoop)
        #expect(!fbl.deliverUnmatchedEmail && !fbl.deliverMatchedEmail)
        #expect(fbl.addresses.addresses == ["fbl@example.com"])
        #expect(fbl.accepts("FBL@example.com"))
    }

    @Test("an unknown directive inside warns at its location; bad values are errors at the value")
    func processorDiagnostics() {
        let result = load("""
        <bounce-processor>
            deliver-unmatched-emails yes
            forward-errors-to nobody
            <address-list>
                domain bad..example
                address /[unclosed/
                adress x@example.com
            </address-list>
            <domain *>
            </domain>
        </bounce-processor>
        """)
        let found = lines(result)
        #expect(found.contains("t.conf:2:5: warning: unknown directive 'deliver-unmatched-emails' in <bounce-processor>; "
                               + "did you mean 'deliver-unmatched-email'?"), "\(found)")
        #expect(found.contains("t.conf:3:23: error: invalid value for 'forward-errors-to': expected an address such as "
                               + "bounces@example.com, found 'nobody'"), "\(found)")
        #expect(found.contains { $0.hasPrefix("t.conf:5:16: error: invalid value for 'domain': ") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("t.conf:6:17: error: ") }, "\(found)")
        #expect(found.contains("t.conf:7:9: warning: unknown directive 'adress' in <address-list>; did you mean 'address'?"),
                "\(found)")
        #expect(found.contains("t.conf:9:5: error: '<domain>' may not appear inside '<bounce-processor>'"), "\(found)")
        #expect(!found.contains { $0.contains("not supported") }, "the block itself is supported: \(found)")
    }
}
