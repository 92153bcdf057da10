import SluiceBase
import SluiceSandbox
import SluiceSMTP

extension SandboxCommand {
    /// The sandbox's event for one command line (without its line ending), parsed by SluiceBase's
    /// ``SMTPCommandParser``: the commands a receiver answers map to their events; the ones the
    /// sandbox does not offer (STARTTLS, AUTH, VRFY, HELP) and unknown verbs are
    /// ``unrecognized(_:)``; a known verb with bad syntax is ``malformed(_:)`` with the parser's reply.
    public init(line: String) {
        switch SMTPCommandParser.parse(line) {
        case .success(.helo(let name)): self = .hello(name, extended: false)
        case .success(.ehlo(let name)): self = .hello(name, extended: true)
        case .success(.mail(let sender, _)): self = .mail(from: sender)
        case .success(.rcpt(let recipient, _)): self = .recipient(recipient)
        case .success(.data): self = .data
        case .success(.rset): self = .reset
        case .success(.noop): self = .noop
        case .success(.quit): self = .quit
        case .success(.startTLS), .success(.auth), .success(.vrfy), .success(.help):
            self = .unrecognized(String(line.prefix(64)))
        case .failure(let reply) where reply.code == 500:
            self = .unrecognized(String(line.prefix(64)))
        case .failure(let reply):
            self = .malformed(reply)
        }
    }
}
