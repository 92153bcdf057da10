import SluiceBase

extension SMTPReply {
    /// True when the sandbox closes the connection after sending it (421, RFC 5321 §3.8, and 221).
    public var closesConnection: Bool { code == 421 || code == 221 }
}
