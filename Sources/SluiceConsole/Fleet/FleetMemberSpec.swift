import SluiceConfig

/// A fleet node as the command line or the `<cluster>` block names it: its name and the path of
/// its control socket (a local socket, or one forwarded over SSH with `ssh -L PATH:REMOTE`).
public struct FleetMemberSpec: Hashable, Sendable {
    /// The node's name.
    public var name: String
    /// Its control socket.
    public var socketPath: String

    /// Creates a member.
    public init(name: String, socketPath: String) {
        self.name = name
        self.socketPath = socketPath
    }

    /// Why a `--node` value or a list of members is unusable.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// One clear line with a hint.
        public var description: String
    }

    /// The member of a `--node NAME=SOCKET` value.
    public init(parsing value: String) throws(ParseError) {
        guard let eq = value.firstIndex(of: "=") else {
            throw ParseError(description: "--node '\(value)' is not NAME=SOCKET (e.g. --node b=/run/sluice-b.sock)")
        }
        let name = String(value[..<eq]), path = String(value[value.index(after: eq)...])
        guard !name.isEmpty, !name.contains(":"), !name.contains(where: \.isWhitespace) else {
            throw ParseError(description: "--node '\(value)': the node name must be non-empty, without spaces or ':'")
        }
        guard !path.isEmpty else { throw ParseError(description: "--node '\(value)': the socket path is empty") }
        self.init(name: name, socketPath: path)
    }

    /// The nodes of a `<cluster>` block: this node (`node-name`, at `ownSocket`, its
    /// `control-socket`) first, then each `member NAME SOCKET` line in file order.
    public static func members(of cluster: ClusterSettings, ownSocket: String) -> [FleetMemberSpec] {
        [FleetMemberSpec(name: cluster.nodeName, socketPath: ownSocket)]
            + cluster.members.filter { $0.name != cluster.nodeName }.map { FleetMemberSpec(name: $0.name, socketPath: $0.socketPath) }
    }

    /// `members` after checking that the names are unique and there is at least one.
    public static func validated(_ members: [FleetMemberSpec]) throws(ParseError) -> [FleetMemberSpec] {
        guard !members.isEmpty else {
            throw ParseError(description: "--fleet needs nodes: --node NAME=SOCKET (repeatable), or --config FILE with a <cluster> block")
        }
        var seen = Set<String>()
        for m in members where !seen.insert(m.name).inserted {
            throw ParseError(description: "node '\(m.name)' is named twice; every node needs its own name")
        }
        return members
    }
}
