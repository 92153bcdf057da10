import SluiceConfig

/// How the delivery client talks to one peer: the vmta's identity and every timeout.
public struct SMTPClientConfiguration: Sendable {
    /// What to do about STARTTLS.
    public enum TLSPolicy: Sendable, Hashable {
        /// Never start TLS.
        case never
        /// Start TLS when the peer offers it (`use-starttls yes`); continue in plain text if it does not.
        case opportunistic
        /// Refuse to deliver without TLS (`require-starttls yes`).
        case required
    }

    /// The name sent in EHLO/HELO: the vmta's `host-name`.
    public var heloName: String
    /// The local address the socket is bound to: the vmta's `smtp-source-host`; nil lets the
    /// system choose.
    public var sourceAddress: String?
    /// STARTTLS use.
    public var tlsPolicy: TLSPolicy
    /// Limit for the TCP connection to be established.
    public var connectTimeout: TimeSpan
    /// Limit for the greeting after connecting.
    public var greetingTimeout: TimeSpan
    /// Limit for the reply to EHLO, MAIL, RCPT, DATA, RSET, STARTTLS and QUIT.
    public var commandTimeout: TimeSpan
    /// Limit for sending the content and reading the reply to the final dot.
    public var dataTimeout: TimeSpan
    /// An open connection with nothing to send is closed (QUIT) after this long.
    public var idleTimeout: TimeSpan
    /// The longest reply line accepted from the peer.
    public var maximumReplyLineLength: Int
    /// `assume-delivery-upon-data-termination-timeout`: when the reply to the final dot does not
    /// come within ``dataTimeout``, the recipients whose RCPT was accepted count as delivered
    /// (the peer most likely has the message; deferring would deliver it twice).
    public var assumeDeliveryUponDataTerminationTimeout = false
    /// `ignore-8bitmime`: never declare `BODY=8BITMIME`, even to a peer that offers 8BITMIME.
    public var ignore8BitMIME = false
    /// `ignore-dsn`: never send NOTIFY, ORCPT, RET or ENVID, even to a peer that offers DSN.
    public var ignoreDSN = false

    /// Creates a configuration with PowerMTA-like defaults.
    public init(heloName: String, sourceAddress: String? = nil, tlsPolicy: TLSPolicy = .opportunistic,
                connectTimeout: TimeSpan = .minutes(1), greetingTimeout: TimeSpan = .minutes(5),
                commandTimeout: TimeSpan = .minutes(5), dataTimeout: TimeSpan = .minutes(10),
                idleTimeout: TimeSpan = .seconds(5), maximumReplyLineLength: Int = 4096) {
        self.heloName = heloName
        self.sourceAddress = sourceAddress
        self.tlsPolicy = tlsPolicy
        self.connectTimeout = connectTimeout
        self.greetingTimeout = greetingTimeout
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.idleTimeout = idleTimeout
        self.maximumReplyLineLength = maximumReplyLineLength
    }
}
