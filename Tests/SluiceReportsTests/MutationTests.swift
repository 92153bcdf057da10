import Testing
@testable import SluiceReports

/// Random truncations and byte mutations of every sample: the parser never traps, and what
/// it returns keeps its promises (a bounce names only valid addresses, an unparsed report says why).
@Suite struct MutationTests {
    @Test func truncationsAndMutations() throws {
        let parser = ReportParser()
        var generator = SeededGenerator(state: 0x5EED_2026)
        let alphabet = Array("-\n\r:;<>@\"=.\t ".utf8) + [0, 0xFF]
        for name in Samples.names {
            let original = try Samples.crlf(name)
            for round in 0..<60 {
                var bytes = original
                switch round % 3 {
                case 0:
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
                case 1:
                    for _ in 0..<Int.random(in: 1...20, using: &generator) where !bytes.isEmpty {
                        let index = Int.random(in: 0..<bytes.count, using: &generator)
                        bytes[index] = alphabet.randomElement(using: &generator) ?? 0
                    }
                default:
                    let start = Int.random(in: 0...bytes.count, using: &generator)
                    let end = Int.random(in: start...bytes.count, using: &generator)
                    bytes.removeSubrange(start..<end)
                }
                check(parser.parse(bytes), context: "\(name) round \(round)")
            }
        }
    }

    private func check(_ report: InboundReport, context: String) {
        switch report {
        case .bounce(let bounce):
            #expect(!bounce.recipients.isEmpty, "\(context)")
            for recipient in bounce.recipients {
                #expect(MailAddress.isValid(recipient.finalRecipient), "\(context)")
                #expect(recipient.originalRecipient.map(MailAddress.isValid) ?? true, "\(context)")
            }
        case .complaint(let complaint):
            #expect(complaint.originalRecipient.map(MailAddress.isValid) ?? true, "\(context)")
        case .unparsed(let unparsed):
            #expect(!unparsed.description.isEmpty, "\(context)")
        }
    }
}
