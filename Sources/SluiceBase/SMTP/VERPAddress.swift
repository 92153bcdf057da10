/// Variable envelope return paths (VERP): the envelope sender of a delivery that encodes its
/// recipient, so that a bounce names the address that failed whatever the bouncing server writes.
///
/// The format is Postfix's default (`default_verp_delimiters = +=`), which mailing-list software
/// and bounce processors already read: the sender `bounces@origin.example` delivering to
/// `user@domain.example` becomes `bounces+user=domain.example@origin.example`. (PowerMTA's
/// documentation available to us does not spell out its own format; this one is documented in
/// docs/dsn.md.)
///
/// Decoding is exact for every address ``encode(sender:recipient:)`` produces: the sender's local
/// part runs to the first `+` (so a sender whose local part contains `+` is not encoded), the
/// recipient's domain follows the last `=` (a domain has neither `+` nor `=`), and everything
/// between is the recipient's local part, `+` and `=` included. A recipient whose local part is
/// quoted (`"john smith"@example.com`) gives a quoted VERP local part, and comes back quoted.
/// The result is not limited to RFC 5321's 64 octets of local part; neither are other MTAs' VERP
/// addresses, and receivers accept them.
public enum VERPAddress {
    /// The VERP sender for delivering a message from `sender` to `recipient`, or nil when it
    /// cannot be encoded: the null sender, a sender or recipient without `@` or with an empty part,
    /// a sender whose local part contains `+` or is quoted.
    public static func encode(sender: String, recipient: String) -> String? {
        guard let (senderLocal, origin) = split(sender), !senderLocal.hasPrefix("\""),
              !senderLocal.contains("+"), let (recipientLocal, domain) = split(recipient),
              isDomain(domain)
        else { return nil }
        let local = senderLocal + "+" + unquoted(recipientLocal) + "=" + domain
        return quotedIfNeeded(local) + "@" + origin
    }

    /// The original sender and the recipient a VERP address encodes, or nil when `address` is not
    /// one (no `+` before a `=`, or no domain after the last `=`). Angle brackets around the
    /// address are ignored.
    public static func decode(_ address: String) -> (sender: String, recipient: String)? {
        var text = Substring(address)
        if text.hasPrefix("<"), text.hasSuffix(">"), text.count >= 2 { text = text.dropFirst().dropLast() }
        guard let (rawLocal, origin) = split(String(text)) else { return nil }
        let local = unquoted(rawLocal)
        guard let plus = local.firstIndex(of: "+"), let equals = local.lastIndex(of: "="), plus < equals else { return nil }
        let senderLocal = local[..<plus]
        let recipientLocal = local[local.index(after: plus)..<equals]
        let domain = local[local.index(after: equals)...]
        guard !senderLocal.isEmpty, !recipientLocal.isEmpty, isDomain(String(domain)) else { return nil }
        return (String(senderLocal) + "@" + origin, quotedIfNeeded(String(recipientLocal)) + "@" + domain)
    }

    /// `local@domain` split at the last `@`; nil when either side is empty.
    private static func split(_ address: String) -> (String, String)? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = String(address[..<at]), domain = String(address[address.index(after: at)...])
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        return (local, domain)
    }

    /// A domain (or address literal) as a VERP address can carry it after `=`.
    private static func isDomain(_ domain: String) -> Bool {
        !domain.isEmpty && !domain.contains("+") && !domain.contains("=") && !domain.contains("@")
            && !domain.contains("\"") && !domain.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }

    /// A quoted local part's content (`"a b"` → `a b`, `\"` → `"`); others as they are.
    private static func unquoted(_ local: String) -> String {
        guard local.count >= 2, local.hasPrefix("\""), local.hasSuffix("\"") else { return local }
        var out = ""
        var escaped = false
        for character in local.dropFirst().dropLast() {
            if escaped { out.append(character); escaped = false } else if character == "\\" { escaped = true } else {
                out.append(character)
            }
        }
        return out
    }

    /// `local` as is when it is a dot-atom (RFC 5321 §4.1.2), else as a quoted string.
    private static func quotedIfNeeded(_ local: String) -> String {
        if isDotAtom(local) { return local }
        var out = "\""
        for character in local {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    private static func isDotAtom(_ text: String) -> Bool {
        let atoms = text.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.unicodeScalars.allSatisfy { $0.value >= 0x80 || isAtext($0) }
        }
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }
}
