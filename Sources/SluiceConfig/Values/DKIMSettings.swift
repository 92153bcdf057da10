/// `dkim-headers-canon` and `dkim-body-canon`: how a DKIM signature canonicalizes (RFC 6376 §3.4).
public enum DKIMCanonicalizationSetting: String, Hashable, Sendable, CaseIterable {
    /// Bytes as they are.
    case simple
    /// Whitespace and header-name case normalized: survives most relays' rewrapping.
    case relaxed
}

/// `dkim-algorithm`: which kind of key signs.
public enum DKIMAlgorithmSetting: String, Hashable, Sendable, CaseIterable {
    /// RSA with SHA-256 (RFC 6376).
    case rsaSHA256 = "rsa-sha256"
    /// Ed25519 with SHA-256 (RFC 8463).
    case ed25519SHA256 = "ed25519-sha256"

    /// Parses `rsa-sha256` or `ed25519-sha256`. `rsa-sha1`, obsolete since RFC 8301 and rejected
    /// by verifiers, is read as `rsa-sha256` (the config builder warns).
    public init(parsing text: String) throws(ValueError) {
        let lowered = text.lowercased()
        if let value = Self(rawValue: lowered) {
            self = value
        } else if lowered == "rsa-sha1" {
            self = .rsaSHA256
        } else {
            throw ValueError(expected: "rsa-sha256, ed25519-sha256 or any", found: text)
        }
    }
}

/// `dkim-missing-key`: what happens to a message that should be signed when no key fits it.
public enum DKIMMissingKeyAction: String, Hashable, Sendable, CaseIterable {
    /// Send it unsigned, count it per queue, and log a warning event.
    case sendUnsigned = "send-unsigned"
    /// Refuse it at the end of DATA with 451 4.7.5, so the client retries once the key is there.
    case refuse
}

/// Checks a `dkim-identity` value: `[local]@domain` or a bare `domain` (taken as `@domain`).
/// Returns the identity as `i=` carries it, with the domain lowercased.
public func parseDKIMIdentity(_ text: String) throws(ValueError) -> String {
    let expected = "an identity such as @example.com or bulk@news.example.com"
    let at = text.lastIndex(of: "@")
    let local = at.map { String(text[..<$0]) } ?? ""
    let domain = (at.map { String(text[text.index(after: $0)...]) } ?? text).lowercased()
    let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
    guard labels.count >= 2, labels.allSatisfy({ label in
        !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }) else { throw ValueError(expected: expected, found: text) }
    guard local.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ";" && $0 != "@" }) else {
        throw ValueError(expected: expected, found: text)
    }
    return "\(local)@\(domain)"
}
