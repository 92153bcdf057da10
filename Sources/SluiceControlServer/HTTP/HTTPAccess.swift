import SluiceConfig
import SluiceCore

/// What a bearer token may do (the third column of the token file). A request gets the lower of
/// its address's ``SluiceConfig/HTTPAccessLevel`` and its token's role.
public enum TokenRole: String, Hashable, Sendable {
    /// Read and change: every endpoint the address allows.
    case admin
    /// Read only: GET and HEAD endpoints and `/metrics`.
    case monitor
}

/// The management API's access policy: an ordered address ACL (first match wins; no match is
/// refused) and the bearer tokens, token id → secret and role.
public struct HTTPAccess: Sendable {
    /// One `http-access CIDR LEVEL` rule.
    public struct Rule: Hashable, Sendable {
        /// The addresses it covers.
        public var block: CIDR
        /// What they may do.
        public var level: HTTPAccessLevel
        /// Creates a rule.
        public init(_ block: CIDR, _ level: HTTPAccessLevel) {
            self.block = block
            self.level = level
        }
    }

    /// Parses an `http-access` value, `CIDR LEVEL` (e.g. `127.0.0.1 admin`, `0/0 monitor`).
    ///
    /// - Throws: ``ControlError`` `usage` for a bad block or level.
    public static func parseRule(_ text: String) throws(ControlError) -> Rule {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else { throw ControlError(.usage, "http-access: expected CIDR LEVEL, found '\(text)'") }
        guard let level = HTTPAccessLevel(rawValue: words[1].lowercased()) else {
            throw ControlError(.usage, "http-access: expected admin, monitor or none, found '\(words[1])'")
        }
        do { return Rule(try CIDR(parsing: String(words[0])), level) } catch {
            throw ControlError(.usage, "http-access: \(error)")
        }
    }

    /// Why a request was refused: the HTTP status and one line.
    public struct Refusal: Error, Hashable, Sendable {
        /// 401 or 403.
        public var status: Int
        /// One line for the client.
        public var message: String
        /// Creates a refusal.
        public init(status: Int, message: String) {
            self.status = status
            self.message = message
        }
    }

    /// One bearer token from the token file: its secret and what it may do.
    public struct Token: Hashable, Sendable {
        /// The secret presented as `Authorization: Bearer SECRET`.
        public var secret: String
        /// What requests carrying it may do.
        public var role: TokenRole
        /// Creates a token.
        public init(secret: String, role: TokenRole) {
            self.secret = secret
            self.role = role
        }
    }

    /// A known token, kept as bytes for the comparison.
    private struct Entry: Sendable {
        var id: String
        var secret: [UInt8]
        var role: TokenRole
    }

    /// The rules, first match wins.
    public var rules: [Rule]
    private var tokens: [Entry]

    /// Creates a policy from the rules and the tokens, token id → token.
    public init(rules: [Rule], tokens: [String: Token]) {
        self.rules = rules
        self.tokens = tokens.sorted { $0.key < $1.key }.map {
            Entry(id: $0.key, secret: Array($0.value.secret.utf8), role: $0.value.role)
        }
    }

    /// The level for `address`: the first rule containing it, else `none`.
    public func level(for address: IPAddress) -> HTTPAccessLevel {
        rules.first { $0.block.contains(address) }?.level ?? .none
    }

    /// Decides a request: the address must be admitted (403), a known bearer token must be
    /// presented (401), and anything but a read (GET, HEAD) needs both an `admin` address and an
    /// `admin` token (403): the lower of the two levels applies.
    ///
    /// - Returns: the id of the token used.
    public func authorize(address: IPAddress?, authorization: String?, isReadOnly: Bool) -> Result<String, Refusal> {
        guard let address else { return .failure(Refusal(status: 403, message: "unknown client address")) }
        let level = level(for: address)
        guard level != .none else { return .failure(Refusal(status: 403, message: "address \(address) is not admitted by http-access")) }
        guard let token = token(for: authorization) else {
            return .failure(Refusal(status: 401, message: "a valid bearer token is required"))
        }
        guard isReadOnly || level == .admin else {
            return .failure(Refusal(status: 403, message: "address \(address) has monitor access: read-only"))
        }
        guard isReadOnly || token.role == .admin else {
            return .failure(Refusal(status: 403, message: "token \(token.id) has the monitor role: read-only"))
        }
        return .success(token.id)
    }

    /// The id and role of the token in an `Authorization: Bearer SECRET` header, compared in
    /// constant time against every known token.
    public func token(for authorization: String?) -> (id: String, role: TokenRole)? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let presented = Array(parts[1].utf8)
        var match: (id: String, role: TokenRole)?
        // Compare against every token so the time taken does not reveal which one matched.
        for entry in tokens where Self.constantTimeEqual(entry.secret, presented) {
            match = (entry.id, entry.role)
        }
        return match
    }

    /// True when `secret` and `presented` are equal and not empty. Every byte of `presented` is
    /// examined whatever the contents, so the time depends only on the lengths; the length
    /// difference is kept at full width, so no length (a secret followed by 256 NUL bytes, say)
    /// can wrap around to a match.
    static func constantTimeEqual(_ secret: [UInt8], _ presented: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: secret.count ^ presented.count)
        for i in presented.indices {
            let expected = i < secret.count ? secret[i] : 0
            difference |= UInt(expected ^ presented[i])
        }
        return difference == 0 && !secret.isEmpty
    }

    /// Parses a token file: one `ID SECRET [ROLE]` per line, ROLE `admin` or `monitor` (`admin`
    /// when left out, as before roles existed); `#` comments and blank lines ignored.
    ///
    /// - Throws: ``ControlError`` `usage` naming the line of a malformed entry, an unknown role, a
    ///   duplicate id or a secret shorter than 16 characters.
    public static func parseTokens(_ text: String, file: String) throws(ControlError) -> [String: Token] {
        var tokens: [String: Token] = [:]
        for (index, raw) in TextLines.split(text).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.isEmpty { continue }
            let place = "\(file):\(index + 1)"
            guard words.count == 2 || words.count == 3 else {
                throw ControlError(.usage, "\(place): expected TOKEN-ID SECRET [admin|monitor]")
            }
            let id = String(words[0]), secret = String(words[1])
            guard secret.count >= 16 else { throw ControlError(.usage, "\(place): secret of \(id) is shorter than 16 characters") }
            var role = TokenRole.admin
            if words.count == 3 {
                guard let named = TokenRole(rawValue: words[2].lowercased()) else {
                    // The word is not echoed: it may be part of a secret with a space in it.
                    throw ControlError(.usage, "\(place): role of \(id) must be admin or monitor")
                }
                role = named
            }
            guard tokens[id] == nil else { throw ControlError(.usage, "\(place): token id \(id) appears twice") }
            tokens[id] = Token(secret: secret, role: role)
        }
        return tokens
    }
}
