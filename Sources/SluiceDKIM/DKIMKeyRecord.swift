import Foundation

/// A DKIM public-key record (RFC 6376 §3.6.1): what is published as TXT at
/// `SELECTOR._domainkey.DOMAIN`.
public struct DKIMKeyRecord: Hashable, Sendable {
    /// `k=`: the key type (`rsa` when absent).
    public var keyType: String
    /// `p=` decoded; empty when the key is revoked.
    public var publicKey: [UInt8]
    /// Every tag as written, by lowercased name.
    public var tags: [String: String]

    /// The record for `key`: `v=DKIM1; k=rsa; p=…`.
    public init(publishing key: DKIMPrivateKey) {
        keyType = key.type.rawValue
        publicKey = key.publicKey
        tags = ["v": "DKIM1", "k": keyType, "p": Data(publicKey).base64EncodedString()]
    }

    /// Parses a record's text (the TXT strings joined). Throws when it is not a DKIM key record.
    public init(parsing text: String) throws {
        var tags: [String: String] = [:]
        for part in text.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            guard let equals = trimmed.firstIndex(of: "=") else { throw DKIMError("'\(trimmed)' is not a tag=value pair") }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].filter { !$0.isWhitespace }
            guard tags[name] == nil else { throw DKIMError("tag '\(name)' appears twice") }
            tags[name] = value
        }
        if let version = tags["v"], version != "DKIM1" { throw DKIMError("v=\(version) is not DKIM1") }
        guard let p = tags["p"] else { throw DKIMError("the record has no p= tag") }
        guard let decoded = Data(base64Encoded: p) else { throw DKIMError("p= is not base64") }
        self.keyType = tags["k"]?.lowercased() ?? "rsa"
        self.publicKey = Array(decoded)
        self.tags = tags
    }

    /// The record as one string: `v=DKIM1; k=rsa; p=…`.
    public var text: String {
        "v=DKIM1; k=\(keyType); p=\(Data(publicKey).base64EncodedString())"
    }

    /// The record as a zone-file line for `name`, its text cut into the 255-byte strings a TXT
    /// record holds.
    public func zoneFileLine(name: String) -> String {
        var chunks: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            chunks.append(String(rest.prefix(255)))
            rest = rest.dropFirst(255)
        }
        let strings = chunks.map { "\"\($0)\"" }
        if strings.count == 1 { return "\(name). IN TXT \(strings[0])" }
        return "\(name). IN TXT ( " + strings.joined(separator: "\n\t") + " )"
    }

    /// Whether this record publishes `key`'s public half: same type, same key (an RSA key in
    /// either of its published forms). A revoked record (empty `p=`) matches nothing.
    public func matches(_ key: DKIMPrivateKey) -> Bool {
        guard !publicKey.isEmpty, keyType == key.type.rawValue else { return false }
        return key.publishedForms.contains(publicKey)
    }
}
