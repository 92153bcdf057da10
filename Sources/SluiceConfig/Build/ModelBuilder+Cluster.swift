extension ModelBuilder {
    // MARK: - <cluster> (a Sluice extension)

    static let clusterDirectives = ["redis", "node-name", "key-prefix", "connect-timeout", "command-timeout",
                                    "heartbeat", "member"]

    /// `<cluster>`: the Redis server the fleet shares state through and this node's name. One
    /// block; a second is an error; `redis` and `node-name` are required.
    mutating func cluster(_ b: BlockNode) {
        if let extra = b.arguments.first { error(extra.location, "'<cluster>' takes no name") }
        if let first = firstClusterBlock {
            error(b.start, "only one <cluster> block is allowed; the first is at \(first)")
            return
        }
        firstClusterBlock = b.start
        var redis: (host: String, port: Int)?
        var nodeName: String?
        var settings = ClusterSettings(redisHost: "", redisPort: 0, nodeName: "")
        settings.location = b.start
        var failed = false
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "cluster")
            case .directive(let d):
                switch d.key {
                case "redis":
                    guard let address = parse(d, Self.parseRedisAddress) else { failed = true; continue }
                    redis = address
                case "node-name":
                    guard let name = parse(d, Self.parseNodeName) else { failed = true; continue }
                    nodeName = name
                case "key-prefix":
                    guard let prefix = parse(d, Self.parseKeyPrefix) else { failed = true; continue }
                    settings.keyPrefix = prefix
                case "connect-timeout": clusterSpan(d).map { settings.connectTimeout = $0 }
                case "command-timeout": clusterSpan(d).map { settings.commandTimeout = $0 }
                case "heartbeat": clusterSpan(d).map { settings.heartbeat = $0 }
                case "member":
                    guard let member = clusterMember(d) else { continue }
                    if member.name == nodeName || settings.members.contains(where: { $0.name == member.name }) {
                        error(d.valueLocation, "node '\(member.name)' is already named in this <cluster>; "
                                             + "give each other node one member line")
                        continue
                    }
                    settings.members.append(member)
                default: unknownDirective(d, in: "<cluster>", known: Self.clusterDirectives)
                }
            }
        }
        if redis == nil, !failed {
            error(b.start, "<cluster> needs 'redis ADDRESS:PORT', the Redis server the nodes share, e.g. redis 127.0.0.1:6379")
        }
        if nodeName == nil, !failed {
            error(b.start, "<cluster> needs 'node-name NAME', this node's name in the fleet (unique), e.g. node-name mta1")
        }
        guard let redis, let nodeName else { return }
        settings.redisHost = redis.host
        settings.redisPort = redis.port
        settings.nodeName = nodeName
        settings.members.removeAll { $0.name == nodeName }
        model.cluster = settings
    }

    /// `HOST:PORT` where HOST is an IPv4 address, `[IPv6]` or a host name.
    static func parseRedisAddress(_ text: String) throws(ValueError) -> (host: String, port: Int) {
        let error = ValueError(expected: "the Redis server's address:port such as 127.0.0.1:6379 or redis.internal:6379",
                               found: text)
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { throw error }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard case .v6? = IPAddress(host) else { throw error }
            return (host, port)
        }
        let hostCharacters = host.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-"
        }
        guard !host.isEmpty, hostCharacters, !host.hasPrefix("-"), !host.hasPrefix(".") else { throw error }
        return (host, port)
    }

    /// A node name: letters, digits, `-`, `_` and `.`, at most 64 (it is part of Redis keys and
    /// the fleet console's node column).
    static func parseNodeName(_ text: String) throws(ValueError) -> String {
        let allowed = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
        guard !text.isEmpty, text.count <= 64, allowed else {
            throw ValueError(expected: "a node name of letters, digits, '-', '_' or '.' (at most 64) such as mta1", found: text)
        }
        return text
    }

    /// A key prefix: printable ASCII without spaces, at most 64 characters.
    static func parseKeyPrefix(_ text: String) throws(ValueError) -> String {
        guard !text.isEmpty, text.count <= 64, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ValueError(expected: "a key prefix of printable characters without spaces such as sluice: or fleet-eu:", found: text)
        }
        return text
    }

    /// A positive duration of the block (at least 10ms).
    private mutating func clusterSpan(_ d: DirectiveNode) -> TimeSpan? {
        parse(d) { (t: String) throws(ValueError) in
            let span = try TimeSpan(parsing: t)
            guard span >= TimeSpan(milliseconds: 10), span <= .hours(1) else {
                throw ValueError(expected: "a duration between 10ms and 1h such as 1s or 500ms", found: t)
            }
            return span
        }
    }

    /// `member NAME SOCKET`, or nil after an error.
    private mutating func clusterMember(_ d: DirectiveNode) -> ClusterSettings.Member? {
        guard d.arguments.count == 2 else {
            error(d.arguments.count > 2 ? d.arguments[2].location : d.valueLocation,
                  "'member' takes a node name and its control socket, e.g. member mta2 /run/sluice-mta2.sock")
            return nil
        }
        let name: String
        do { name = try Self.parseNodeName(d.arguments[0].text) } catch {
            self.error(d.arguments[0].location, "invalid node name for 'member': \(error)")
            return nil
        }
        return ClusterSettings.Member(name: name, socketPath: d.arguments[1].text)
    }
}
