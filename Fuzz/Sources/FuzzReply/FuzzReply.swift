import FuzzDriver
import SluiceBase

/// SMTP replies in their one-line form and VERP addresses, as they come from peers and reports.
@_cdecl("FuzzReply_main")
func fuzzReplyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { data, count in
        let text = String(decoding: fuzzInput(data, count), as: UTF8.self)
        let reply = SMTPReply(text)
        if reply.code > 0, reply.dsnDiag != text { fatalError("dsnDiag is not the line as given") }
        if let (sender, recipient) = VERPAddress.decode(text), let again = VERPAddress.encode(sender: sender, recipient: recipient),
           let (sender2, recipient2) = VERPAddress.decode(again), sender2 != sender || recipient2 != recipient {
            fatalError("VERP does not round-trip: \(text) → \(again)")
        }
        return 0
    }
}
