/// What one DKIM signature says and which key makes it: the `d=`, `s=`, `i=` and the other tags.
public struct DKIMSignatureSpec: Sendable {
    /// The header fields signed by default: those Gmail, Yahoo and Microsoft look at, and the
    /// one-click unsubscribe pair (RFC 8058) so that it cannot be added or changed in transit.
    public static let defaultHeaders = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Unsubscribe", "List-Unsubscribe-Post",
    ]

    /// `d=`: the signing domain, where the public key is published.
    public var domain: String
    /// `s=`: the selector; the key is published at `SELECTOR._domainkey.DOMAIN`.
    public var selector: String
    /// The private key.
    public var key: DKIMPrivateKey
    /// How header fields are canonicalized (`c=` first half).
    public var headerCanonicalization: DKIMCanonicalization
    /// How the body is canonicalized (`c=` second half).
    public var bodyCanonicalization: DKIMCanonicalization
    /// The header fields to sign, by name (case does not matter); From is always signed.
    public var headers: [String]
    /// Sign each listed name once more than the message has it, so that a field of that name
    /// added in transit breaks the signature (RFC 6376 §8.15).
    public var oversign: Bool
    /// `i=`: the agent or user identity (`[local]@domain`, of `d=` or a subdomain), or nil.
    public var identity: String?
    /// Add `t=`, the signing time.
    public var addTimestamp: Bool
    /// Add `x=`, the time the signature expires, this many seconds after signing (implies `t=`).
    public var expireAfterSeconds: Int64?
    /// Add `l=`, the canonical body length signed, so that text appended later (by a mailing
    /// list, say) does not break the signature.
    public var addBodyLength: Bool

    /// Creates a specification; relaxed/relaxed, the default headers, oversigned, no optional tags.
    public init(domain: String, selector: String, key: DKIMPrivateKey,
                headerCanonicalization: DKIMCanonicalization = .relaxed,
                bodyCanonicalization: DKIMCanonicalization = .relaxed,
                headers: [String] = Self.defaultHeaders, oversign: Bool = true, identity: String? = nil,
                addTimestamp: Bool = false, expireAfterSeconds: Int64? = nil, addBodyLength: Bool = false) {
        self.domain = domain
        self.selector = selector
        self.key = key
        self.headerCanonicalization = headerCanonicalization
        self.bodyCanonicalization = bodyCanonicalization
        self.headers = headers
        self.oversign = oversign
        self.identity = identity
        self.addTimestamp = addTimestamp
        self.expireAfterSeconds = expireAfterSeconds
        self.addBodyLength = addBodyLength
    }

    /// `SELECTOR._domainkey.DOMAIN`: where the public key is published, and how the console names it.
    public var recordName: String { "\(selector)._domainkey.\(domain)" }
}
