/// A Lua script run with `EVALSHA` by its SHA-1, loaded with `SCRIPT LOAD` when the server does
/// not have it (``RedisConnection/evaluate(_:keys:arguments:)``).
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The source's SHA-1 in lowercase hex: the name Redis gives the script.
    public let sha1: String

    /// A script of `source`; its SHA-1 is computed here, as Redis computes it.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hex(source)
    }
}
