import SluiceConfig

/// The bounds a sandbox receiver keeps against clients that misbehave.
public struct SandboxServerLimits: Hashable, Sendable {
    /// The longest command line, line ending included; a longer one is answered `500 5.5.6` and
    /// the connection closed.
    public var maximumLineLength: Int
    /// Unread input held per connection before the server stops reading from it.
    public var maximumBufferedBytes: Int
    /// Unknown or malformed commands tolerated before `421` and a close.
    public var maximumProtocolErrors: Int
    /// A connection silent this long is answered `421 4.4.2` and closed.
    public var idleTimeout: TimeSpan

    /// Creates limits; the defaults suit the demo and tests.
    public init(maximumLineLength: Int = 2048, maximumBufferedBytes: Int = 65_536, maximumProtocolErrors: Int = 10,
                idleTimeout: TimeSpan = .minutes(1)) {
        self.maximumLineLength = max(64, maximumLineLength)
        self.maximumBufferedBytes = max(self.maximumLineLength, maximumBufferedBytes)
        self.maximumProtocolErrors = max(1, maximumProtocolErrors)
        self.idleTimeout = idleTimeout
    }
}
