/// The effective `<domain>` settings of one queue (DOMAIN/VMTA): every directive's value and
/// the place it came from.
///
/// Values are resolved by ``ConfigModel/effectiveSettings(domain:vmta:)`` with PowerMTA's
/// precedence; a live operator override is applied on top with ``set(_:to:origin:)``.
/// Directive names, defaults and parsers are listed once, in ``DomainDirective/all``.
public struct DomainSettings: Hashable, Sendable {
    /// `max-smtp-out` [20]: simultaneous outbound connections of the queue.
    public var maxSmtpOut = Sourced(20)
    /// `max-msg-per-connection` [0 = unlimited]: messages before a connection is closed.
    public var maxMsgPerConnection = Sourced(0)
    /// `max-msg-rate` [unlimited]: messages per unit of time (GCRA).
    public var maxMsgRate = Sourced(Rate.unlimited)
    /// `max-connect-rate` [unlimited]: connection attempts per unit of time.
    public var maxConnectRate = Sourced(Rate.unlimited)
    /// `max-rcpt-per-transaction` [1000]: recipients in one SMTP transaction.
    public var maxRcptPerTransaction = Sourced(1000)
    /// `max-msg-per-hour` [0 = unlimited]: a cap over each clock hour.
    public var maxMsgPerHour = Sourced(0)
    /// `max-msg-per-day` [0 = unlimited]: a cap over each day.
    public var maxMsgPerDay = Sourced(0)
    /// `max-cold-virtual-mta-msg` [0 = unlimited]: messages a day a pool's cold member takes for
    /// the domain; the pool's warm members take the rest.
    public var maxColdVirtualMTAMsg = Sourced(0)
    /// `retry-after` [10m]: the wait after each deferral; the list advances per attempt.
    public var retryAfter = Sourced(RetrySchedule([.minutes(10)]))
    /// `bounce-after` [4d12h]: age after which a queued recipient expires.
    public var bounceAfter = Sourced(TimeSpan.hours(108))
    /// `backoff-max-msg-rate` [unlimited]: the message rate while in backoff mode.
    public var backoffMaxMsgRate = Sourced(Rate.unlimited)
    /// `backoff-max-smtp-out` [20]: connections while in backoff mode (never above max-smtp-out).
    public var backoffMaxSmtpOut = Sourced(20)
    /// `backoff-retry-after` [1h]: the retry list while in backoff mode.
    public var backoffRetryAfter = Sourced(RetrySchedule([.hours(1)]))
    /// `backoff-to-normal-after` [never]: backoff ends on its own after this long.
    public var backoffToNormalAfter = Sourced(Expiry.never)
    /// `backoff-to-normal-after-delivery` [no]: a successful delivery ends backoff.
    public var backoffToNormalAfterDelivery = Sourced(false)
    /// `backoff-reroute-to-virtual-mta` [none]: while the queue is in backoff mode, its mail moves
    /// to this vmta's queue for the same domain.
    public var backoffRerouteToVirtualMTA = Sourced<String?>(nil)
    /// `backoff-upon-all-sources-disabled` [no]: when `disable-source-ip` has disabled every source
    /// address of the queue's vmta for the domain, the queue goes into backoff mode.
    public var backoffUponAllSourcesDisabled = Sourced(false)
    /// `smtp-pattern-list` [none]: the reply patterns that switch the queue's mode.
    public var smtpPatternList = Sourced<String?>(nil)
    /// `use-starttls` [yes]: use STARTTLS when the server offers it.
    public var useStarttls = Sourced(true)
    /// `require-starttls` [no]: defer rather than deliver in clear text.
    public var requireStarttls = Sourced(false)
    /// `smtp-hosts` / `route` [none]: deliver to these hosts instead of the domain's MX.
    public var smtpHosts = Sourced<[MailHost]>([])
    /// `bounce-upon-no-mx` [no]: a domain without MX records bounces instead of being tried at
    /// its own address (RFC 5321's implicit MX).
    public var bounceUponNoMX = Sourced(false)
    /// `bounce-upon-5xx-greeting` [yes]: a 5xx greeting bounces the recipients at once; with
    /// `no` it counts as a temporary failure of that host (the next MX is tried).
    public var bounceUpon5xxGreeting = Sourced(true)
    /// `max-smtp-retries` [0 = unlimited]: delivery attempts after which a recipient that still
    /// fails temporarily expires (bounce-after still applies).
    public var maxSmtpRetries = Sourced(0)
    /// `max-errors-per-connection` [0 = unlimited]: recipient-level errors (4xx and 5xx replies
    /// to recipients) after which the connection is closed.
    public var maxErrorsPerConnection = Sourced(0)
    /// `mx-connection-attempts` [0 = unlimited]: addresses (MX hosts and their A records, in
    /// preference order) tried per connection attempt before the attempt counts as failed.
    public var mxConnectionAttempts = Sourced(0)
    /// `max-smtp-out-per-ip` [0 = unlimited]: connections to the domain from each source address.
    public var maxSmtpOutPerIP = Sourced(0)
    /// `smtp-421-means-mx-unavailable` [no]: after a 421 the host that sent it is passed over for
    /// the next connection, which goes to the next MX.
    public var smtp421MeansMXUnavailable = Sourced(false)
    /// `smtp-553-means-invalid-mailbox` [yes]: a 553 to RCPT without an enhanced status code is
    /// a bad mailbox (5.1.1).
    public var smtp553MeansInvalidMailbox = Sourced(true)
    /// `type` [smtp]: how the queue's mail is delivered.
    public var deliveryType = Sourced(DeliveryType.smtp)
    /// `ignore-8bitmime` [no]: never declare BODY=8BITMIME to the peer.
    public var ignore8BitMIME = Sourced(false)
    /// `assume-delivery-upon-data-termination-timeout` [no]: a timeout waiting for the reply to
    /// the final dot counts as delivered.
    public var assumeDeliveryUponDataTerminationTimeout = Sourced(false)
    /// `queue-to` [none]: put this domain's mail in another queue (`queue-to yahoo.com`: the
    /// yahoo.com queue of the same vmta, delivered to yahoo.com's MX hosts; a rolled-up queue's
    /// name puts it in that rollup).
    public var queueTo = Sourced<String?>(nil)
    /// `dkim-sign` [no]: DKIM-sign messages for this domain when they are received (a `<source>`'s
    /// own `dkim-sign` overrides it for that source's mail).
    public var dkimSign = Sourced(false)
    /// `dkim-identity` [the From domain]: the signing identity `[local]@domain` (`i=`); its domain
    /// (or a parent domain) chooses the key and is `d=`.
    public var dkimIdentity = Sourced<String?>(nil)
    /// `dkim-headers-canon` [relaxed]: `simple` or `relaxed`.
    public var dkimHeadersCanon = Sourced(DKIMCanonicalizationSetting.relaxed)
    /// `dkim-body-canon` [relaxed]: `simple` or `relaxed`.
    public var dkimBodyCanon = Sourced(DKIMCanonicalizationSetting.relaxed)
    /// `dkim-algorithm` [any]: sign only with keys of this algorithm (`rsa-sha256`,
    /// `ed25519-sha256`); nil takes the first key found for the domain.
    public var dkimAlgorithm = Sourced<DKIMAlgorithmSetting?>(nil)
    /// `dkim-headers` [From,To,Subject,Date,Message-ID,MIME-Version,Content-Type,List-Unsubscribe,
    /// List-Unsubscribe-Post]: the header fields signed (From always is).
    public var dkimHeaders = Sourced(DomainSettings.defaultDKIMHeaders)
    /// `dkim-disallow-adding-headers` [yes]: sign each header once more than the message has it,
    /// so a field added in transit breaks the signature.
    public var dkimDisallowAddingHeaders = Sourced(true)
    /// `dkim-add-timestamp` [no]: add `t=`.
    public var dkimAddTimestamp = Sourced(false)
    /// `dkim-expire-after` [never]: add `x=`, this long after signing.
    public var dkimExpireAfter = Sourced(Expiry.never)
    /// `dkim-add-body-limit` [no]: add `l=`, the signed body length.
    public var dkimAddBodyLimit = Sourced(false)
    /// `second-dkim-sign` [no]: add a second signature, for ``secondDKIMIdentity``'s domain (an
    /// ESP's beside its customer's).
    public var secondDKIMSign = Sourced(false)
    /// `second-dkim-identity` [none]: the second signature's identity `[local]@domain`.
    public var secondDKIMIdentity = Sourced<String?>(nil)
    /// `dkim-missing-key` [send-unsigned]: what happens to a message to be signed when no key
    /// matches its domain: `send-unsigned` (counted, and a warning event) or `refuse` (451 4.7.5).
    public var dkimMissingKey = Sourced(DKIMMissingKeyAction.sendUnsigned)

    /// The header fields signed when `dkim-headers` is not given.
    public static let defaultDKIMHeaders = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Unsubscribe", "List-Unsubscribe-Post",
    ]
    /// `deliver-local-dsn` [yes]: DSNs Sluice generates for messages whose envelope sender is in
    /// this domain are sent; `no` writes the accounting records only (PowerMTA's older, per-domain
    /// form of `<source>`'s `suppress-local-dsn`). Read for the sender's domain.
    public var deliverLocalDSN = Sourced(true)
    /// `dsn-format` [standard]: `standard` (RFC 3464 multipart/report) or `plain-text`. Read for
    /// the domain the DSN goes to (the original sender's).
    public var dsnFormat = Sourced(DSNFormat.standard)
    /// `notify-of-delay-every` [4h]: how often a recipient still being retried gets a delay DSN
    /// (first this long after reception); only recipients that asked with `NOTIFY=DELAY`.
    /// `never`: no delay DSNs. Read for the recipient's queue.
    public var notifyOfDelayEvery = Sourced(Expiry.after(.hours(4)))
    /// `ignore-dsn` [no]: do not pass NOTIFY, ORCPT, RET and ENVID on even to a peer that offers
    /// DSN (Sluice then reports NOTIFY=SUCCESS itself, with a `relayed` DSN).
    public var ignoreDSN = Sourced(false)
    /// `connect-timeout` [1m].
    public var connectTimeout = Sourced(TimeSpan.minutes(1))
    /// `smtp-greeting-timeout` [5m].
    public var smtpGreetingTimeout = Sourced(TimeSpan.minutes(5))
    /// `data-send-timeout` [3m]: the wait for each reply during a transaction.
    public var dataSendTimeout = Sourced(TimeSpan.minutes(3))
    /// `smtp-data-termination-timeout` [10m]: the wait for the reply to the final dot.
    public var smtpDataTerminationTimeout = Sourced(TimeSpan.minutes(10))
    /// `idle-timeout` [1m]: how long an idle connection is kept for reuse.
    public var idleTimeout = Sourced(TimeSpan.minutes(1))
    /// `dns-timeout` [30s]: the limit on one MX/A lookup.
    public var dnsTimeout = Sourced(TimeSpan.seconds(30))

    /// The PowerMTA defaults, every origin ``Origin/builtin``.
    public init() {}

    /// Sets directive `name` from its textual `value`, as a config line or an override would.
    ///
    /// - Throws: ``SettingError/unknownDirective(_:)`` or ``SettingError/badValue(_:_:)``.
    public mutating func set(_ name: String, to value: String, origin: Origin) throws(SettingError) {
        guard let directive = DomainDirective.named(name) else { throw .unknownDirective(name) }
        do { try directive.apply(&self, value, origin) } catch { throw .badValue(name, error) }
    }

    /// The value and origin of directive `name` as text, or nil for an unknown name.
    public func entry(_ name: String) -> (value: String, origin: Origin)? {
        DomainDirective.named(name)?.read(self)
    }

    /// Every directive in catalog order, with its value as text and its origin.
    public var entries: [(name: String, value: String, origin: Origin)] {
        DomainDirective.all.map { d in
            let (value, origin) = d.read(self)
            return (d.name, value, origin)
        }
    }
}

/// Why a directive could not be set.
public enum SettingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No `<domain>` directive has that name.
    case unknownDirective(String)
    /// The value does not have the directive's form.
    case badValue(String, ValueError)

    /// One line for the operator.
    public var description: String {
        switch self {
        case .unknownDirective(let name):
            if let near = DomainDirective.nearest(to: name) { return "unknown directive '\(name)'; did you mean '\(near)'?" }
            return "unknown directive '\(name)'"
        case .badValue(let name, let error): return "\(name): \(error)"
        }
    }
}
