/// The ESMTP parameters of a MAIL FROM command that Sluice understands: SIZE (RFC 1870),
/// BODY (RFC 6152) and the DSN parameters RET and ENVID (RFC 3461).
public struct MailParameters: Hashable, Sendable {
    /// The body type declared with BODY=.
    public enum BodyType: String, Hashable, Sendable {
        /// `BODY=7BIT`.
        case sevenBit = "7BIT"
        /// `BODY=8BITMIME`.
        case eightBitMIME = "8BITMIME"
    }

    /// What a DSN should return (RET=).
    public enum ReturnContent: String, Hashable, Sendable {
        /// `RET=FULL`: the whole message.
        case full = "FULL"
        /// `RET=HDRS`: the headers only.
        case headers = "HDRS"
    }

    /// The size the client declared with SIZE=, in bytes.
    public var size: Int?
    /// The body type declared with BODY=.
    public var body: BodyType?
    /// RET=.
    public var ret: ReturnContent?
    /// ENVID=, still xtext-encoded as received.
    public var envelopeID: String?
    /// AUTH= (RFC 4954 §5), the identity the submitting client vouches for, as received.
    public var auth: String?
    /// `XVERP` (Postfix's and PowerMTA's extension): deliver with VERP, each recipient encoded in
    /// the envelope sender of its own transaction. Accepted from clients, never sent to peers.
    public var verp = false

    /// Creates parameters.
    public init(size: Int? = nil, body: BodyType? = nil, ret: ReturnContent? = nil,
                envelopeID: String? = nil, auth: String? = nil) {
        self.size = size
        self.body = body
        self.ret = ret
        self.envelopeID = envelopeID
        self.auth = auth
    }

    /// The parameters as they appear after `MAIL FROM:<…>`, each preceded by a space.
    public var wireText: String {
        var out = ""
        if let size { out += " SIZE=\(size)" }
        if let body { out += " BODY=\(body.rawValue)" }
        if let ret { out += " RET=\(ret.rawValue)" }
        if let envelopeID { out += " ENVID=\(envelopeID)" }
        if let auth { out += " AUTH=\(auth)" }
        return out
    }
}

/// The ESMTP parameters of a RCPT TO command that Sluice understands: the DSN parameters
/// NOTIFY and ORCPT (RFC 3461).
public struct RecipientParameters: Hashable, Sendable {
    /// One NOTIFY= condition.
    public enum NotifyCondition: String, Hashable, Sendable, CaseIterable {
        /// A DSN on successful delivery.
        case success = "SUCCESS"
        /// A DSN on failure.
        case failure = "FAILURE"
        /// A DSN on delay.
        case delay = "DELAY"
    }

    /// NOTIFY=: nil when absent, an empty set for `NOTIFY=NEVER`.
    public var notify: Set<NotifyCondition>?
    /// ORCPT=, such as `rfc822;user@example.com`, still xtext-encoded as received.
    public var originalRecipient: String?

    /// Creates parameters.
    public init(notify: Set<NotifyCondition>? = nil, originalRecipient: String? = nil) {
        self.notify = notify
        self.originalRecipient = originalRecipient
    }

    /// The parameters as they appear after `RCPT TO:<…>`, each preceded by a space.
    public var wireText: String {
        var out = ""
        if let notify {
            let names = NotifyCondition.allCases.filter(notify.contains).map(\.rawValue)
            out += " NOTIFY=" + (names.isEmpty ? "NEVER" : names.joined(separator: ","))
        }
        if let originalRecipient { out += " ORCPT=\(originalRecipient)" }
        return out
    }
}
