/// The `<cluster>` block (a Sluice extension, not PowerMTA's): the Redis server several nodes share
/// their throttles, suppression list and operator actions through, and this node's name among them
/// (docs/fleet.md).
public struct ClusterSettings: Hashable, Sendable {
    /// Another node of the fleet, for `sluice console --fleet`: its name and control socket.
    public struct Member: Hashable, Sendable {
        /// The node's `node-name`.
        public var name: String
        /// Its control socket (local, or forwarded over SSH).
        public var socketPath: String

        /// Creates a member.
        public init(name: String, socketPath: String) {
            self.name = name
            self.socketPath = socketPath
        }
    }

    /// `redis HOST:PORT` (required): the Redis server's address or host name.
    public var redisHost: String
    /// `redis HOST:PORT` (required): the Redis server's port.
    public var redisPort: Int
    /// `node-name NAME` (required): this node's name in the fleet, unique among the nodes.
    public var nodeName: String
    /// `key-prefix` [sluice:]: every Redis key and pub/sub channel of the fleet starts with it.
    public var keyPrefix = "sluice:"
    /// `connect-timeout` [2s]: how long connecting to Redis may take.
    public var connectTimeout = TimeSpan.seconds(2)
    /// `command-timeout` [1s]: a command slower than this counts as Redis being down.
    public var commandTimeout = TimeSpan.seconds(1)
    /// `heartbeat` [1s]: how often the node renews its membership; a node that misses three is gone.
    public var heartbeat = TimeSpan.seconds(1)
    /// `member NAME SOCKET` lines in file order: the other nodes' control sockets.
    public var members: [Member] = []
    /// Where the block opens.
    public var location: SourceLocation?

    /// Creates settings with the defaults for the optional directives.
    public init(redisHost: String, redisPort: Int, nodeName: String) {
        self.redisHost = redisHost
        self.redisPort = redisPort
        self.nodeName = nodeName
    }
}
