import SluiceConfig

/// What an address may do through the HTTP management API (the `http-access` directive).
public enum AccessLevel: String, Codable, Hashable, Sendable {
    /// Read and change: every endpoint.
    case admin
    /// Read only: GET endpoints and `/metrics`.
    case monitor
    /// Refused.
    case none
}

/// The management API's access policy: an ordered address ACL (first match wins; no match is
/// refused) and the bearer tokens, token id → secret.
public struct HTTPAccess: Sendable {
    /// One `http-access CIDR LEVEL` rule.
    public struct Rule: Hashable, Sendable {
        /// The addresses it covers.
        public var block: CIDR
        /// What they may do.
        public var level: AccessLevel
        /// Creates a rule.
        public init(_ block: CIDR, _ level: AccessLevel) {
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
        guard let level = AccessLevel(rawValue: words[1].lowercased()) else {
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

    /// The rules, first match wins.
    public var rules: [Rule]
    private var tokens: [String: [UInt8]]

    /// Creates a policy.
    public init(rules: [Rule], tokens: [String: String]) {
        self.rules = rules
        self.tokens = tokens.mapValues { Array($0.utf8) }
    }

    /// The level for `address`: the first rule containing it, else `none`.
    public func level(for address: IPAddress) -> AccessLevel {
        rules.first { $0.block.contains(address) }?.level ?? .none
    }

    /// Decides a request: the address must be admitted (403), a known bearer token must be
    /// presented (401), and only `admin` may use anything but GET (403).
    ///
    /// - Returns: the id of the token used.
    public func authorize(address: IPAddress?, authorization: String?, isReadOnly: Bool) -> Result<String, Refusal> {
        guard let address else { return .failure(Refusal(status: 403, message: "unknown client address")) }
        let level = level(for: address)
        guard level != .none else { return .failure(Refusal(status: 403, message: "address \(address) is not admitted by http-access")) }
        guard let tokenID = tokenID(for: authorization) else {
            return .failure(Refusal(status: 401, message: "a valid bearer token is required"))
        }
        guard isReadOnly || level == .admin else {
            return .failure(Refusal(status: 403, message: "address \(address) has monitor access: read-only"))
        }
        return .success(tokenID)
    }

    /// The id of the token in an `Authorization: Bearer SECRET` header, compared in constant time.
    public func tokenID(for authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let presented = Array(parts[1].utf8)
        var match: String?
        // Compare against every token so the time taken does not reveal which one matched.
        for (id, secret) in tokens.sorted(by: { $0.key < $1.key }) where Self.constantTimeEqual(secret, presented) {
            match = id
        }
        return match
    }

    /// True when `a` and `b` are equal; the time depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0 && !a.isEmpty
    }

    /// Parses a token file: one `ID SECRET` per line, `#` comments and blank lines ignored.
    ///
    /// - Throws: ``ControlError`` `usage` naming the line of a malformed entry, a duplicate id or
    ///   a secret shorter than 16 characters.
    public static func parseTokens(_ text: String, file: String) throws(ControlError) -> [String: String] {
        var tokens: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if words.isEmpty { continue }
            guard words.count == 2 else { throw ControlError(.usage, "\(file):\(index + 1): expected TOKEN-ID SECRET") }
            let id = String(words[0]), secret = String(words[1])
            guard secret.count >= 16 else { throw ControlError(.usage, "\(file):\(index + 1): secret of \(id) is shorter than 16 characters") }
            guard tokens[id] == nil else { throw ControlError(.usage, "\(file):\(index + 1): token id \(id) appears twice") }
            tokens[id] = secret
        }
        return tokens
    }
}
