/// What went wrong talking to Redis.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be opened (refused, unreachable, or not within the timeout).
    case connectFailed(String)
    /// The connection closed or failed before the command's reply arrived; every command pending
    /// on it fails with this, as does every command sent after.
    case connectionLost
    /// The server's bytes were not valid RESP (or exceeded the limits); the connection is closed.
    case protocolError(RESPDecodingError)
    /// The server answered with an error reply (`-ERR …`, `-NOSCRIPT …`); its message.
    case server(String)
    /// A reply of a shape the command does not produce (e.g. a non-string from `SCRIPT LOAD`).
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .connectFailed(let detail): "redis: cannot connect: \(detail)"
        case .connectionLost: "redis: connection lost before the reply"
        case .protocolError(let error): "redis: \(error)"
        case .server(let message): "redis: server error: \(message)"
        case .unexpectedReply(let detail): "redis: unexpected reply: \(detail)"
        }
    }
}
