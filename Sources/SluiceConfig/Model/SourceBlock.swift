/// A `<source IP|CIDR|{name}>` block: the policy for clients that submit mail.
public struct SourceBlock: Hashable, Sendable {
    /// What the block applies to.
    public enum Match: Hashable, Sendable, CustomStringConvertible {
        /// Clients whose address lies in the block (`<source 127.0.0.1>`, `<source 0/0>`).
        case addresses(CIDR)
        /// A named policy (`<source {auth}>`) chosen by an `<smtp-user>` or an `<smtp-listener>`.
        case named(String)

        /// `127.0.0.1/32` or `{auth}`.
        public var description: String {
            switch self {
            case .addresses(let cidr): return cidr.description
            case .named(let name): return "{\(name)}"
            }
        }
    }

    /// What the block applies to.
    public var match: Match
    /// `smtp-service` [yes]: accept SMTP connections at all.
    public var smtpService = true
    /// `always-allow-relaying` [no]: accept mail for any recipient domain.
    public var alwaysAllowRelaying = false
    /// `require-auth` [no]: refuse MAIL FROM before a successful AUTH.
    public var requireAuth = false
    /// `process-x-virtual-mta` [no]: honour the X-Virtual-MTA header.
    public var processXVirtualMTA = false
    /// `default-virtual-mta` [none]: the vmta or pool used when nothing else chooses one, or
    /// ``bySMTPSourceIP``.
    public var defaultVirtualMTA: String?
    /// `max-message-size` [none = unlimited]: larger messages are refused (SIZE and after DATA).
    public var maxMessageSize: ByteSize?
    /// `pattern-list` [none]: the `<pattern-list>` that routes this source's messages.
    public var patternList: String?
    /// `add-message-id-header` [no]: add a Message-ID when the message has none.
    public var addMessageIdHeader = false
    /// `add-date-header` [no]: add a Date when the message has none.
    public var addDateHeader = false
    /// `log-connections` [no]: log each connection.
    public var logConnections = false
    /// `process-x-job` [yes]: take the job id from the X-Job header.
    public var processXJob: Bool?
    /// `retain-x-job` [no]: leave the X-Job header in the message.
    public var retainXJob: Bool?
    /// `retain-x-virtual-mta` [no]: leave a processed X-Virtual-MTA header in the message.
    public var retainXVirtualMTA: Bool?
    /// `add-received-header` [yes]: add a Received header to each message.
    public var addReceivedHeader: Bool?
    /// `hide-message-source` [no]: the Received header names neither the client's address nor
    /// its HELO name.
    public var hideMessageSource: Bool?
    /// `allow-unencrypted-plain-auth` [no]: offer AUTH before STARTTLS. PowerMTA's
    /// `require-starttls-before-auth` sets it too, inverted.
    public var allowUnencryptedPlainAuth: Bool?
    /// `allow-starttls` [yes]: offer STARTTLS to these clients (when the node has a certificate).
    public var allowStartTLS: Bool?
    /// `max-rcpt-per-message` [none: the node's 1,000]: recipients accepted per message; more get
    /// `452 4.5.3`.
    public var maxRcptPerMessage: Int?
    /// `max-smtp-in` [unlimited]: simultaneous connections from each client address this block
    /// covers; one more gets `421 4.3.2` and is closed.
    public var maxSMTPIn: Int?
    /// `max-smtp-in-rate` [unlimited]: new connections from each client address per period
    /// (e.g. `20/s`, `600/min`); one more within the period gets `421 4.3.2`.
    public var maxSMTPInRate: Rate?
    /// `source-group NAME` [none]: the `<source-group>` whose shared limits this block's clients
    /// count against.
    public var sourceGroup: String?
    /// `rewrite-list NAME` [none]: the `<rewrite-list>` whose rules rewrite the envelope sender
    /// and the From header of this block's messages.
    public var rewriteList: String?
    /// `remove-received-headers` [no]: remove the message's Received headers on reception.
    public var removeReceivedHeaders: Bool?
    /// `remove-header NAME[,NAME…]` [none]: header fields removed on reception (one line or many).
    public var removedHeaders: [String] = []
    /// `dkim-sign` [unset: the recipient domain's `dkim-sign` decides]: DKIM-sign (or not) every
    /// message from these clients, whatever its recipients' domains say.
    public var dkimSign: Bool?
    /// `suppress-local-dsn` [no]: Sluice generates no DSN (bounce, delay or success report) for
    /// messages from these clients; the accounting records are written as ever.
    public var suppressLocalDSN: Bool?
    /// `verp-default` [no]: deliver these clients' messages with VERP (each recipient its own
    /// transaction, its address encoded in the envelope sender), as `XVERP` on MAIL FROM asks.
    public var verpDefault: Bool?
    /// `jobid-header NAME` [X-Job]: the header that gives the job id.
    public var jobIDHeader: String?
    /// Where the block opens.
    public var location: SourceLocation

    /// `default-virtual-mta by-smtp-source-ip`: the vmta whose `smtp-source-host` address is the
    /// address the message was received on.
    public static let bySMTPSourceIP = "by-smtp-source-ip"

    /// Creates a block with PowerMTA's defaults.
    public init(match: Match, location: SourceLocation) {
        self.match = match
        self.location = location
    }
}
