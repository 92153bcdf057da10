import SluiceConfig
import SluiceBase
@testable import SluiceSandbox

/// Loads a shipped profile through the same library the executable uses.
func shipped(_ name: String) throws -> SandboxProfile {
    try ProfileLibrary().load(name)
}

/// Parses profile text written in a test.
func profile(_ text: String, name: String = "test") throws -> SandboxProfile {
    try ProfileParser(file: "test.profile").parse(text, name: name)
}

func ip(_ text: String) -> IPAddress {
    IPAddress(text) ?? .v4(0)
}

func at(_ ms: Int64) -> Instant { Instant(milliseconds: ms) }

/// Opens a session and says EHLO; returns the session (closed if the greeting refused it).
func openSession(_ behaviour: inout SandboxBehaviour, from source: String, at now: Instant) -> (SandboxSession, SandboxAction) {
    var (session, greeting) = behaviour.connect(from: ip(source), at: now)
    if !session.isClosed { _ = behaviour.handle(.hello("client.test", extended: true), in: &session, at: now) }
    return (session, greeting)
}

/// Runs one whole transaction on `session` and returns every reply, stopping at the first refusal
/// that ends the transaction.
@discardableResult
func send(_ behaviour: inout SandboxBehaviour, _ session: inout SandboxSession, from sender: String = "bounces@news.test",
          to recipients: [String], size: Int = 4096, at now: Instant) -> [SandboxAction] {
    var out = [behaviour.handle(.mail(from: sender), in: &session, at: now)]
    guard out[0].reply.code == 250 else { return out }
    for rcpt in recipients { out.append(behaviour.handle(.recipient(rcpt), in: &session, at: now)) }
    let data = behaviour.handle(.data, in: &session, at: now)
    out.append(data)
    guard data.reply.code == 354 else {
        _ = behaviour.handle(.reset, in: &session, at: now)
        return out
    }
    out.append(behaviour.handle(.endOfData(size: size), in: &session, at: now))
    return out
}
