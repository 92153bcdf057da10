import SluiceConfig
import SluiceBase

/// What the injection server allows a connecting client: the effective `<source>` block that
/// first matches the client's address (built by the caller from the configuration).
public struct SourcePolicy: Sendable {
    /// One line of a `<pattern-list>` used by the source: a regular expression on the envelope
    /// sender or on a recipient that picks the virtual MTA.
    public struct PatternRule: Sendable {
        /// What the expression is matched against.
        public enum Field: Hashable, Sendable {
            /// The envelope sender (`mail-from`).
            case mailFrom
            /// Each envelope recipient (`rcpt-to`).
            case rcptTo
        }
        /// The address the expression is matched against.
        public var field: Field
        /// The expression.
        public var regex: PatternRegex
        /// The virtual MTA (or pool) a match selects (`virtual-mta=`).
        public var virtualMTA: String

        /// Creates a rule.
        public init(field: Field, regex: PatternRegex, virtualMTA: String) {
            self.field = field
            self.regex = regex
            self.virtualMTA = virtualMTA
        }
    }

    /// A `<source-group>`: connection limits the clients of several `<source>` blocks share.
    public struct ConnectionGroup: Hashable, Sendable {
        /// The group's name.
        public var name: String
        /// `max-smtp-in` of the group: simultaneous connections from all its clients; nil is
        /// unlimited.
        public var maxConnections: Int?

        /// Creates a group.
        public init(name: String, maxConnections: Int? = nil) {
            self.name = name
            self.maxConnections = maxConnections
        }
    }

    /// `smtp-service`: false refuses the connection with 554 at the greeting.
    public var smtpService: Bool
    /// `always-allow-relaying`: recipients in any domain are accepted.
    public var allowRelaying: Bool
    /// `require-auth`: MAIL FROM is refused with 530 until the client has authenticated.
    public var requireAuth: Bool
    /// `process-x-virtual-mta`: an `X-Virtual-MTA` header selects the virtual MTA (and is removed).
    public var processXVirtualMTA: Bool
    /// `default-virtual-mta`: the virtual MTA when neither the header nor a pattern picks one.
    public var defaultVirtualMTA: String?
    /// `max-message-size` in bytes; nil leaves the server's limit.
    public var maxMessageSize: Int?
    /// Domains (lowercased) whose recipients are accepted without relaying rights.
    public var localDomains: Set<String>
    /// The `pattern-list` rules, first match wins.
    public var patternRules: [PatternRule]
    /// `add-received-header`.
    public var addReceivedHeader: Bool
    /// `add-message-id-header`: add a Message-ID when the message has none.
    public var addMessageIDHeader: Bool
    /// `add-date-header`: add a Date when the message has none.
    public var addDateHeader: Bool
    /// `allow-unencrypted-plain-auth`: AUTH is offered before STARTTLS.
    public var allowUnencryptedAuth: Bool
    /// `allow-starttls`: STARTTLS is offered (when the server has a certificate).
    public var allowStartTLS: Bool
    /// True when a client that has authenticated may relay whatever ``allowRelaying`` says (the
    /// usual MTA rule). False when relaying after AUTH is decided by the policy that AUTH brings
    /// (PowerMTA: the `always-allow-relaying` of the user's `<source {name}>`).
    public var authenticationAllowsRelaying: Bool
    /// `log-connections`: each connection and its end are logged.
    public var logConnections: Bool
    /// `process-x-job`: the X-Job header gives the message's job id.
    public var processXJob: Bool
    /// `retain-x-job`: the X-Job header stays in the message.
    public var retainXJob: Bool
    /// `retain-x-virtual-mta`: a processed X-Virtual-MTA header stays in the message.
    public var retainXVirtualMTA: Bool
    /// `hide-message-source`: the Received header names neither the client's address nor its
    /// HELO name.
    public var hideMessageSource: Bool
    /// `max-rcpt-per-message`: recipients per message; nil leaves the server's limit.
    public var maxRecipients: Int?
    /// `max-smtp-in`: simultaneous connections from one client address; nil is unlimited.
    public var maxConnections: Int?
    /// `max-smtp-in-rate`: new connections from one client address per period; nil is unlimited.
    public var connectionRate: Rate?
    /// `rewrite-list`: how the envelope sender and the From header of each message are rewritten.
    public var rewriting = AddressRewriting()
    /// `source-group`: the group whose shared connection limits the client counts against.
    public var connectionGroup: ConnectionGroup?
    /// `remove-received-headers`: the message's own Received headers are removed (before the
    /// server adds its own).
    public var removeReceivedHeaders = false
    /// `remove-header`: header fields removed from each message (names, any case).
    public var removedHeaders: [String] = []
    /// `jobid-header`: the header that gives the job id (and is processed as X-Job is).
    public var jobIDHeader = "X-Job"
    /// `dkim-sign` of the source: sign (or not) every message from these clients; nil leaves it
    /// to the recipients' domains.
    public var dkimSign: Bool?
    /// `suppress-local-dsn`: Sluice generates no DSN for these clients' messages.
    public var suppressLocalDSN = false
    /// `verp-default`: these clients' messages are delivered with VERP, as if MAIL FROM had `XVERP`.
    public var verpDefault = false

    /// Creates a policy; the defaults are PowerMTA's for an unlisted source (service on, no relaying).
    public init(smtpService: Bool = true, allowRelaying: Bool = false, requireAuth: Bool = false,
                processXVirtualMTA: Bool = false, defaultVirtualMTA: String? = nil,
                maxMessageSize: Int? = nil, localDomains: Set<String> = [], patternRules: [PatternRule] = [],
                addReceivedHeader: Bool = true, addMessageIDHeader: Bool = false, addDateHeader: Bool = false,
                allowUnencryptedAuth: Bool = false, maxConnections: Int? = nil, connectionRate: Rate? = nil,
                hideMessageSource: Bool = false, maxRecipients: Int? = nil, processXJob: Bool = true,
                retainXJob: Bool = false, retainXVirtualMTA: Bool = false, logConnections: Bool = false,
                allowStartTLS: Bool = true, authenticationAllowsRelaying: Bool = true) {
        self.smtpService = smtpService
        self.allowRelaying = allowRelaying
        self.requireAuth = requireAuth
        self.processXVirtualMTA = processXVirtualMTA
        self.defaultVirtualMTA = defaultVirtualMTA
        self.maxMessageSize = maxMessageSize
        self.localDomains = Set(localDomains.map { $0.lowercased() })
        self.patternRules = patternRules
        self.addReceivedHeader = addReceivedHeader
        self.addMessageIDHeader = addMessageIDHeader
        self.addDateHeader = addDateHeader
        self.allowUnencryptedAuth = allowUnencryptedAuth
        self.allowStartTLS = allowStartTLS
        self.authenticationAllowsRelaying = authenticationAllowsRelaying
        self.maxConnections = maxConnections
        self.hideMessageSource = hideMessageSource
        self.processXJob = processXJob
        self.logConnections = logConnections
        self.retainXJob = retainXJob
        self.retainXVirtualMTA = retainXVirtualMTA
        self.maxRecipients = maxRecipients
        self.connectionRate = connectionRate
    }

    /// True when a recipient at `address` may be accepted: its domain is local, the source may
    /// relay, or the client has authenticated (and ``authenticationAllowsRelaying``).
    public func mayAccept(recipient address: String, authenticated: Bool) -> Bool {
        if allowRelaying || (authenticated && authenticationAllowsRelaying) { return true }
        let domain = domainOf(address)
        if domain.isEmpty { return address.lowercased() == "postmaster" }
        return localDomains.contains(domain)
    }

    /// The virtual MTA for a message: the `X-Virtual-MTA` header when processed, else the first
    /// pattern rule that matches the sender or any recipient, else ``defaultVirtualMTA``.
    public func virtualMTA(headerValue: String?, sender: String, recipients: [String]) -> String? {
        if processXVirtualMTA, let headerValue, !headerValue.isEmpty { return headerValue }
        for rule in patternRules {
            switch rule.field {
            case .mailFrom where rule.regex.matches(sender):
                return rule.virtualMTA
            case .rcptTo where recipients.contains(where: rule.regex.matches):
                return rule.virtualMTA
            default:
                continue
            }
        }
        return defaultVirtualMTA
    }
}

/// Chooses the policy for a connecting client.
public protocol SourcePolicyProvider: Sendable {
    /// The policy of the first `<source>` that matches `clientAddress`.
    func policy(for clientAddress: IPAddress) -> SourcePolicy
}
