import FuzzDriver
import SluiceBase

/// SMTP command lines as a client sends them to the node: every line parses to a command or to a
/// 5xx reply, and a parsed command written back on the wire (as the delivery client writes it)
/// parses to the same command (less XVERP, which is accepted from clients and never sent on).
@_cdecl("FuzzCommand_main")
func fuzzCommandMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { data, count in
        let line = String(decoding: fuzzInput(data, count), as: UTF8.self)
        switch SMTPCommandParser.parse(line) {
        case .failure(let reply):
            if !(500...599).contains(reply.code) { fatalError("a bad command got \(reply.code), not 5xx: \(line)") }
        case .success(var command):
            if case .mail(let from, var parameters) = command {
                parameters.verp = false
                command = .mail(from: from, parameters: parameters)
            }
            let wire = command.wireText
            guard wire.hasSuffix("\r\n") else { fatalError("wire text without CRLF: \(wire)") }
            // "\r\n" is one Character: drop the two bytes, not two Characters.
            switch SMTPCommandParser.parse(String(decoding: wire.utf8.dropLast(2), as: UTF8.self)) {
            case .success(let again) where again == command: break
            case .success(let again): fatalError("does not round-trip: \(line) → \(wire) → \(again)")
            case .failure(let reply): fatalError("wire text of \(line) is refused: \(wire) → \(reply.code)")
            }
        }
        return 0
    }
}
