/// PowerMTA directives that Sluice knows but does not implement: a configuration written for
/// PowerMTA keeps loading, and `check-config` says, for each, which kind it is, why, and where
/// docs/pmta-compat.md explains it.
///
/// The implemented directives are parsed where their block is; this table holds the other two
/// kinds of the document: accepted without effect, and not supported.
enum PowerMTACompatibility {
    /// How Sluice treats a directive it does not implement.
    enum Status: Hashable, Sendable {
        /// Sluice already behaves as the directive asks, or the directive concerns something
        /// Sluice does not have: a note, never a warning.
        case withoutEffect
        /// Sluice does not do what the directive asks, and mail still flows sensibly without it:
        /// a warning that says what happens instead.
        case notSupported
        /// Accepting the directive would silently change what happens to mail: an error.
        case refused
    }

    /// One directive's entry: its kind and the reason, as `check-config` prints it.
    struct Entry: Hashable, Sendable {
        var status: Status
        var reason: String
    }

    /// The diagnostic for directive `name` (written as `written`) at `location`, or nil when the
    /// table does not list it.
    /// Under `strict` (`check-config --strict`) a not-supported directive is an error too.
    static func diagnostic(for name: String, written: String, at location: SourceLocation,
                           strict: Bool = false) -> Diagnostic? {
        guard let entry = table[name] else { return nil }
        let link = "(docs/pmta-compat.md#\(anchor(of: name)))"
        switch entry.status {
        case .withoutEffect:
            return Diagnostic(.note, location, "'\(written)' is accepted without effect: \(entry.reason) \(link)")
        case .notSupported:
            return Diagnostic(strict ? .error : .warning, location, "'\(written)' is not supported and is ignored: \(entry.reason) \(link)")
        case .refused:
            return Diagnostic(.error, location, "'\(written)' is not supported: \(entry.reason) \(link)")
        }
    }

    /// The anchor of `name`'s row in docs/pmta-compat.md: the name, a block's without its brackets.
    static func anchor(of name: String) -> String { name.filter { $0 != "<" && $0 != ">" } }

    /// Directive name → entry. Every name has an anchor in docs/pmta-compat.md (a test checks).
    static let table: [String: Entry] = {
        var table: [String: Entry] = [:]
        for (name, reason) in withoutEffect { table[name] = Entry(status: .withoutEffect, reason: reason) }
        for (name, reason) in notSupported { table[name] = Entry(status: .notSupported, reason: reason) }
        return table
    }()

    /// Accepted without effect: Sluice already does what they ask, or has nothing they apply to.
    static let withoutEffect: [String: String] = [
        "run-as-root": "Sluice runs as the user that starts it; drop privileges with the service manager (User= in systemd)",
        "sync-msg-create": "Sluice always syncs a message to the spool before it answers 250",
        "sync-msg-update": "Sluice always writes delivery progress to the spool in its group commit",
        "reuse-ssl-session": "Sluice's TLS client does not resume TLS sessions",
        "log-data": "Sluice never logs message content",
        "log-commands": "Sluice does not log SMTP commands; delivery events and accounting record every outcome with the reply",
        "log-resolution": "Sluice does not log DNS lookups; a lookup that decides an outcome is in that recipient's delivery event",
        "log-transfer-failures": "Sluice records every failed transfer in the recipient's delivery event and accounting record",
        "log-messages": "Sluice's event log records every delivery outcome; there is no separate message log",
        "dns-workers": "Sluice runs each DNS lookup on a thread of its own; there is no worker pool to size",
        "max-events-recorded": "each queue keeps its recent events in a ring of fixed size (the console's events view)",
        "track-recipient-events": "each queue keeps its recent delivery events in memory (the console's events view)",
        "backoff-notify": "Sluice sends no notification mail; a queue's mode changes are in the event log, the console and the HTTP API",
        "disabled-source-ip-notify": "Sluice sends no notification mail; pauses are in the event log, the audit log and the console",
        "http-redirect-to-https": "Sluice's HTTP API is plain HTTP on loopback with a token; there is no HTTPS port to redirect to",
        "ignore-chunking": "Sluice's client never uses CHUNKING (BDAT)",
        "always-allow-api-submission": "Sluice has no HTTP submission API; mail comes in over SMTP only",
        "error-file": "Sluice writes its errors to its log (log-file, or standard error)",
        "log-tls": "Sluice does not log TLS details; a failed handshake is in the recipient's delivery event",
        "total-max-file": "Sluice writes its spool and accounting files from its own threads; there is no pool to size",
        "dkim-query-method": "DKIM keys are published in DNS TXT records, the only query method (q=dns/txt, the default)",
        "allow-cancel-during-transfer": "Sluice lets a transfer under way finish before it closes the connection at shutdown",
    ]

    /// Not supported: ignored with a warning that says what Sluice does instead.
    static let notSupported: [String: String] = [
        "dummy-smtp-port": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "pickup": "Sluice takes mail over SMTP only; files put in the pickup directory are not sent",
        "process-x-envid": "the DSN envelope id comes from MAIL FROM's ENVID parameter only",
        "smtp-max-auth-failure-rate": "Sluice closes a session after repeated AUTH failures but keeps no rate across sessions",
        "dk-sign": "DomainKeys (RFC 4870) is historic: messages are not DomainKeys-signed; dkim-sign yes signs them with DKIM",
        "dkim-selector": "the selector is the first part of each domain-key SELECTOR,DOMAIN,PATH line",
        "dkim-key": "name DKIM keys with domain-key SELECTOR,DOMAIN,PATH",
        "dkim-identity-fallback": "a message whose identity has no key follows dkim-missing-key (send unsigned, or refuse)",
        "replace-smtp-421-service-response": "421 replies are recorded as the peer sent them",
        "bounce-upon-transfer-failure": "a message whose transfer broke off is retried until bounce-after, as by default",
        "bounce-upon-pix-transfer-failure": "a message whose transfer broke off is retried until bounce-after, as by default",
        "queue-priority": "every queue gets connection slots in turn; there are no priorities",
        "delivery-priority": "every queue gets connection slots in turn; there are no priorities",
        "allow-priority-interruption": "every queue gets connection slots in turn; no connection is interrupted",
        "allow-priority-interruption-during-transfer": "every queue gets connection slots in turn; no connection is interrupted",
        "retry-recipients-after": "a deferred recipient is retried with its queue's retry-after schedule",
        "retry-after-dns-error": "a DNS failure is retried with the queue's retry-after schedule",
        "source-ip-max-msg-rate": "use max-msg-rate in a <domain> inside the <virtual-mta> of that address",
        "source-ip-max-connect-rate": "use max-connect-rate in a <domain> inside the <virtual-mta> of that address",
        "source-ip-max-smtp-out": "use max-smtp-out-per-ip, or max-smtp-out in a <domain> inside the <virtual-mta> of that address",
        "source-ip-max-data-volume-rate": "there is no data volume limit; use max-msg-rate",
        "max-data-volume-rate": "there is no data volume limit; use max-msg-rate",
        "backoff-max-data-volume-rate": "there is no data volume limit; use backoff-max-msg-rate",
        "backoff-max-connect-rate": "max-connect-rate applies in backoff mode too",
        "backoff-max-msg-per-hour": "max-msg-per-hour applies in backoff mode too",
        "smtp-out-rampup-interval": "connections open as fast as max-connect-rate allows",
        "connection-idle-timeout": "an idle connection is kept for idle-timeout",
        "bcc-upon-delivery": "no copy of delivered mail is sent anywhere",
        "reroute-to-virtual-mta": "a queue's mail stays with its virtual MTA; move it with `sluice` controls",
        "reenable-source-ip-after": "a disabled source address is enabled again after the duration its disable-source-ip action names (1h when none)",
        "check-spf-outbound": "no SPF check is made on outgoing mail",
        "disable-acct-records": "every accounting file gets the record types its `records` line names",
        "ignore-pipelining": "Sluice's client pipelines whenever the server offers PIPELINING",
        "auth-username": "Sluice's client does not authenticate to the next hop; a smart host that requires AUTH refuses the mail",
        "auth-password": "Sluice's client does not authenticate to the next hop; a smart host that requires AUTH refuses the mail",
        "use-unencrypted-plain-auth": "Sluice's client does not authenticate to the next hop",
        "log-disabled-ips": "every source address disabled or enabled again is logged and published as an event",
        "mx-connection-limit": "connections to an MX host are bounded by each queue's max-smtp-out and total-max-smtp-out, not per host",
        "disable-mx-rollup": "a domain whose MX hosts match an <mx-rollup-list> is always rolled up",
        "retry-upon-new-mail": "a waiting queue is retried at its retry time, not when new mail arrives",
        "default-smtp-port": "delivery connects on port 25, or on the port smtp-hosts names (HOST:PORT)",
        "pix-bug-workaround": "no workaround for Cisco PIX's SMTP fixup is applied",
        "file-format": "only used with type file, which Sluice refuses",
        "file-destination": "only used with type file, which Sluice refuses",
        "http-delivery-url": "only used with type http-delivery, which Sluice refuses",
        "http-delivery-extra-headers": "only used with type http-delivery, which Sluice refuses",
        "check-pra-outbound": "no Sender ID check is made on outgoing mail",
        "check-mfrom-outbound": "no SPF check is made on outgoing mail",
        "check-mfrom-inbound": "no SPF check is made on incoming mail",
        "check-pra-inbound": "no Sender ID check is made on incoming mail",
        "check-dkim-inbound": "no DKIM check is made on incoming mail",
        "process-x-dkim-options": "X-DKIM-Options is passed on as any header; signing follows the configuration only",
        "command": "only used with type pipe, which Sluice refuses",
        "discard-as-bounce": "type discard records each recipient as delivered (a d record)",
        "smtp-client-certificate": "Sluice's TLS client presents no certificate to the next hop",
        "smtp-tls-allow-sslv3": "the TLS versions offered to the next hop are the TLS library's defaults (no SSLv3)",
        "smtp-tls-allow-tlsv1": "the TLS versions offered to the next hop are the TLS library's defaults",
        "smtp-tls-tlsv1": "the TLS versions offered to the next hop are the TLS library's defaults",
        "smtp-tls-ciphers": "the ciphers offered to the next hop are the TLS library's defaults",
        "smtp-tls-ca-file": "the next hop's certificate is not verified (opportunistic TLS, RFC 7435)",
        "use-dane": "DANE records are not looked up; use-starttls and require-starttls decide TLS",
        "use-mta-sts": "MTA-STS policies are not fetched; use-starttls and require-starttls decide TLS",
        "sparkpost-sandbox": "SparkPost integration is not supported",
        "sparkpost-ip-pool": "SparkPost integration is not supported",
        "add-x-msys-api-header": "SparkPost integration is not supported",
        "<signals>": "SparkPost Signals is not supported; the block and its contents are ignored",
        "enable-signals": "SparkPost Signals is not supported; no engagement data is uploaded",
        "dummy-smtp-ip": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-has-chunking": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-has-pipelining": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-has-mailmerge": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-blacklist": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-log-blacklist": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-blacklist-bounce-method": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "dummy-smtp-blacklist-bounce-percent": "no test port is opened; `sluice sandbox` delivers to a simulated internet on loopback",
        "smtp-server-tls-allow-tlsv1": "the TLS versions the listeners accept are the TLS library's defaults",
        "smtp-server-tls-allow-tlsv1.1": "the TLS versions the listeners accept are the TLS library's defaults",
        "smtp-server-tls-allow-tlsv1.2": "the TLS versions the listeners accept are the TLS library's defaults",
        "smtp-server-tls-allow-tlsv1.3": "the TLS versions the listeners accept are the TLS library's defaults",
        "smtp-server-tls-ciphers": "the ciphers the listeners accept are the TLS library's defaults",
        "smtp-client-tls-ciphers": "the ciphers offered to the next hop are the TLS library's defaults",
    ]
}
