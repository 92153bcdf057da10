import SluiceConfig
import Testing
@testable import SluiceCore

@Suite("VERP: the address codec and one recipient per transaction")
struct VERPTests {
    @Test("the Postfix form: prefix+user=domain@origin, decoded back exactly")
    func postfixForm() throws {
        let encoded = try #require(VERPAddress.encode(sender: "bounces@origin.example", recipient: "user@domain.example"))
        #expect(encoded == "bounces+user=domain.example@origin.example")
        let decoded = try #require(VERPAddress.decode(encoded))
        #expect(decoded.sender == "bounces@origin.example")
        #expect(decoded.recipient == "user@domain.example")
        #expect(VERPAddress.decode("<\(encoded)>")?.recipient == "user@domain.example")
    }

    @Test("recipients with +, =, dots, dashes and quoted local parts round-trip",
          arguments: ["john+tag@gmail.example", "a=b@x.example", "a+b=c+d@x.example", "first.last-x@sub.domain.example",
                      "\"john smith\"@example.com", "\"a\\\"b\"@example.com", "o'brien@example.ie", "x@[192.0.2.1]",
                      "UPPER@Example.COM"])
    func oddRecipients(recipient: String) throws {
        let encoded = try #require(VERPAddress.encode(sender: "list-bounces@lists.example", recipient: recipient))
        let decoded = try #require(VERPAddress.decode(encoded))
        #expect(decoded.sender == "list-bounces@lists.example")
        #expect(decoded.recipient == recipient)
    }

    @Test("a quoted recipient gives a quoted VERP local part")
    func quoted() {
        #expect(VERPAddress.encode(sender: "b@o.example", recipient: "\"john smith\"@example.com")
                == "\"b+john smith=example.com\"@o.example")
    }

    @Test("what cannot be encoded: the null sender, a sender with + in its local part, addresses without a domain")
    func notEncoded() {
        #expect(VERPAddress.encode(sender: "", recipient: "u@x.example") == nil)
        #expect(VERPAddress.encode(sender: "b+list@o.example", recipient: "u@x.example") == nil)
        #expect(VERPAddress.encode(sender: "bounces", recipient: "u@x.example") == nil)
        #expect(VERPAddress.encode(sender: "b@o.example", recipient: "nobody") == nil)
    }

    @Test("addresses that are not VERP addresses do not decode",
          arguments: ["user@x.example", "user+tag@x.example", "a=b@x.example", "a=b+c@x.example", "+u=d@x.example",
                      "b+=d@x.example", "b+u=@x.example", "", "nobody"])
    func notVERP(address: String) {
        #expect(VERPAddress.decode(address) == nil)
    }

    @Test("a VERP message goes one recipient per transaction; an ordinary one batches up to max-rcpt-per-transaction")
    func oneRecipientPerTransaction() throws {
        var engine = DeliveryEngine(configuration: StaticEngineConfiguration(virtualMTANames: ["default"]))
        let recipients = ["a@x.example", "b@x.example", "c@x.example"]
        var actions = try engine.inject(Message(id: MessageID(1), sender: "s@o.example", recipients: recipients, size: 10,
                                                vmta: "default", receivedAt: .zero, verp: true), now: .zero)
        actions += try engine.inject(Message(id: MessageID(2), sender: "s@o.example", recipients: recipients, size: 10,
                                             vmta: "default", receivedAt: .zero), now: .zero)
        var transactions: [Transaction] = []
        for _ in 0..<8 {
            var follow: [EngineAction] = []
            for action in actions {
                switch action {
                case .openConnection(let id, _): follow += engine.connectionOpened(id, now: .zero)
                case .startTransaction(let t):
                    transactions.append(t)
                    follow += engine.transactionCompleted(t.id, replies: t.recipients.map { _ in SMTPReply(250, "2.0.0", "ok") },
                                                          connectionReusable: true, now: .zero)
                default: break
                }
            }
            actions = follow
        }
        #expect(transactions.filter { $0.messageID == MessageID(1) }.map(\.recipients) == [["a@x.example"], ["b@x.example"], ["c@x.example"]])
        #expect(transactions.filter { $0.messageID == MessageID(1) }.map(\.recipientIndexes) == [[0], [1], [2]])
        #expect(transactions.filter { $0.messageID == MessageID(2) }.map(\.recipients) == [recipients])
    }
}
