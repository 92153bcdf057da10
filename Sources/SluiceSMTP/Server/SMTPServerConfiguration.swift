import SluiceConfig

/// Server-wide settings of the injection listener; per-client settings are in ``SourcePolicy``.
public struct SMTPServerConfiguration: Sendable {
    /// The name in the greeting, the EHLO reply, Received headers and generated Message-IDs.
    public var hostName: String
    /// The message size limit when the source sets none (also announced with SIZE).
    public var maximumMessageSize: Int
    /// No message is larger than this, whatever the source allows (`max-message-size
    /// unlimited` included): the node sets it to the memory for messages in flight.
    public var messageSizeCeiling: Int = .max
    /// Recipients accepted per message; more get `452 4.5.3`.
    public var maximumRecipients: Int
    /// Error replies (4xx/5xx to commands) after which the session is closed with `421 4.7.0`.
    public var maximumErrors: Int
    /// The longest command line in bytes, CRLF included; longer lines get `500 5.5.2`.
    public var maximumCommandLineLength: Int
    /// Input the session buffers (pipelined commands) before the server stops reading.
    public var maximumBufferedInput: Int
    /// The session is closed with `421 4.4.2` after this long without input.
    public var idleTimeout: TimeSpan
    /// The session is closed with `421 4.4.2` after this long in total.
    public var sessionTimeout: TimeSpan
    /// Checks AUTH credentials (user, password); nil disables AUTH.
    public var authenticator: (@Sendable (_ user: String, _ password: String) -> Bool)?
    /// The policy for the rest of a session once `user` has authenticated from `client`; nil (or
    /// a nil result) keeps the policy of the client's address.
    public var authenticatedPolicy: (@Sendable (_ user: String, _ client: IPAddress) -> SourcePolicy?)?
    /// Failed AUTH attempts after which the session is closed with `421 4.7.0` (each failure
    /// also counts towards ``maximumErrors``).
    public var maximumAuthFailures: Int = 3
    /// Where mail to the bare `postmaster` recipient goes (RFC 5321 4.5.1 requires accepting it):
    /// the configured `postmaster`, else `postmaster@` the host name.
    public var postmasterAddress: String
    /// A command line must be complete this long after its first byte arrived, or the session
    /// is closed with `421 4.4.2` (a client trickling a command a byte at a time).
    public var commandTimeout: TimeSpan
    /// Message content must arrive at least this many bytes a second, measured over each
    /// ``dataRateWindow``, or the session is closed with `421 4.4.2`. 0 disables the check.
    public var minimumDataRate: Int
    /// The window over which ``minimumDataRate`` is measured.
    public var dataRateWindow: TimeSpan
    /// Asked for each `RCPT TO` address (after the bare `postmaster`), with the envelope sender
    /// and whether the source's relaying rules accept the address (when they do not, only
    /// ``RecipientDisposition/local`` changes the answer, `Relaying denied`): see
    /// ``RecipientDisposition``. Runs on the connection's event loop, so it must be fast and must
    /// not block; nil treats every address as ``RecipientDisposition/ordinary``.
    public var recipientDisposition: (@Sendable (_ recipient: String, _ sender: String, _ relayingAllowed: Bool)
        -> RecipientDisposition)?

    /// Creates a configuration.
    public init(hostName: String, maximumMessageSize: Int = 50 * 1024 * 1024, maximumRecipients: Int = 1000,
                maximumErrors: Int = 10, maximumCommandLineLength: Int = 1000, maximumBufferedInput: Int = 64 * 1024,
                idleTimeout: TimeSpan = .minutes(5), sessionTimeout: TimeSpan = .minutes(30),
                authenticator: (@Sendable (_ user: String, _ password: String) -> Bool)? = nil,
                postmasterAddress: String? = nil, commandTimeout: TimeSpan = .minutes(2),
                minimumDataRate: Int = 256, dataRateWindow: TimeSpan = .seconds(30)) {
        self.hostName = hostName
        self.maximumMessageSize = maximumMessageSize
        self.maximumRecipients = maximumRecipients
        self.maximumErrors = maximumErrors
        self.maximumCommandLineLength = maximumCommandLineLength
        self.maximumBufferedInput = maximumBufferedInput
        self.idleTimeout = idleTimeout
        self.sessionTimeout = sessionTimeout
        self.authenticator = authenticator
        self.postmasterAddress = postmasterAddress ?? "postmaster@\(hostName)"
        self.commandTimeout = commandTimeout
        self.minimumDataRate = minimumDataRate
        self.dataRateWindow = dataRateWindow
    }
}

extension SMTPServerConfiguration {
    /// An authenticator for a fixed table of `<smtp-user>` names and passwords.
    ///
    /// The password is compared in constant time: every byte of the longer of the two is
    /// compared, with no early exit, and an unknown user is compared against a stand-in, so the
    /// time taken reveals neither a matching prefix nor whether the user exists.
    public static func authenticator(users: [String: String]) -> @Sendable (_ user: String, _ password: String) -> Bool {
        { user, password in
            let known = users[user]
            let equal = constantTimeEqual(Array((known ?? "\u{0}unknown user").utf8), Array(password.utf8))
            return known != nil && equal
        }
    }

    /// True when `a` and `b` are equal, compared without an early exit.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        for i in 0..<max(a.count, b.count) {
            difference |= Int((i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0))
        }
        return difference == 0
    }
}
