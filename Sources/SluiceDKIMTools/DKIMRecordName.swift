import SluiceDKIM

/// Where a selector's key record is published: `SELECTOR._domainkey.DOMAIN` (RFC 6376 §3.6.2.1),
/// from a selector and a domain checked to be DNS names (so that they are also safe in a file name).
public struct DKIMRecordName: Hashable, Sendable, CustomStringConvertible {
    /// The selector, lowercased, e.g. `s2026`.
    public let selector: String
    /// The signing domain, lowercased, without a trailing dot, e.g. `example.com`.
    public let domain: String

    /// Checks and normalises `selector` and `domain`.
    /// - Throws: ``DKIMError`` naming the part that is not a DNS name.
    public init(selector: String, domain: String) throws(DKIMError) {
        let selector = selector.lowercased()
        var domain = domain.lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        try Self.check(selector, what: "selector")
        try Self.check(domain, what: "domain")
        self.selector = selector
        self.domain = domain
        guard name.utf8.count <= 253 else { throw DKIMError("\(name) is longer than a DNS name may be (253 bytes)") }
    }

    /// `SELECTOR._domainkey.DOMAIN`, without trailing dot.
    public var name: String { "\(selector)._domainkey.\(domain)" }

    public var description: String { name }

    /// The key file `sluice dkim keygen` writes when not told where: `SELECTOR._domainkey.DOMAIN.pem`.
    public var defaultKeyFileName: String { name + ".pem" }

    /// Dot-separated labels of 1 to 63 letters, digits, hyphens or underscores, no hyphen at
    /// either end of a label.
    private static func check(_ text: String, what: String) throws(DKIMError) {
        guard !text.isEmpty else { throw DKIMError("the \(what) is empty") }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count) else {
                throw DKIMError("the \(what) '\(text)' is not a DNS name: each dot-separated label has 1 to 63 characters")
            }
            guard label.utf8.allSatisfy({ isLabelByte($0) }), label.first != "-", label.last != "-" else {
                throw DKIMError("the \(what) '\(text)' is not a DNS name: use letters, digits and inner hyphens (IDNs as xn-- labels)")
            }
        }
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
