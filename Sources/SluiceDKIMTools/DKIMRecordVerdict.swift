import SluiceDKIM

/// What a selector's published record says about a private key.
public enum DKIMRecordVerdict: Hashable, Sendable {
    /// The record publishes the key; receivers can verify its signatures.
    case matches(DKIMKeyRecord)
    /// The record publishes another key (or another key type).
    case differs(published: DKIMKeyRecord)
    /// The record's `p=` is empty: the selector is revoked (RFC 6376 §3.6.1).
    case revoked
    /// The record publishes the key but its `h=` or `s=` tag excludes what Sluice signs with.
    case restricted(String)
    /// No DKIM record: the name does not exist, or has no TXT record.
    case noRecord(String)
    /// The lookup failed (timeout, SERVFAIL, …): nothing is known about the record.
    case lookupFailed(String)
    /// A TXT record is there but is not a usable DKIM key record, or there are several.
    case malformed(String)

    /// True only for ``matches(_:)``: the one verdict `sluice dkim check` exits 0 on.
    public var passed: Bool {
        if case .matches = self { return true }
        return false
    }
}
