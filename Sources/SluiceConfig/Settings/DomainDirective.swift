/// One `<domain>` directive: its name, whether an operator may override it live, how its value
/// is parsed into ``DomainSettings`` and read back as text.
public struct DomainDirective: Sendable {
    /// The directive's name as written in the config, e.g. `max-msg-rate`.
    public let name: String
    /// True for the throttle directives an operator may override live (`sluice set throttle`,
    /// the console's editor).
    public let isThrottle: Bool
    let apply: @Sendable (inout DomainSettings, String, Origin) throws(ValueError) -> Void
    let read: @Sendable (DomainSettings) -> (String, Origin)

    /// Parses `value` as this directive would, without storing it (for validation as you type).
    public func validate(_ value: String) throws(ValueError) {
        var scratch = DomainSettings()
        try apply(&scratch, value, .builtin)
    }

    /// The directive with that name (aliases such as `route` included), or nil.
    public static func named(_ name: String) -> DomainDirective? { byName[name.lowercased()] }

    /// The known name closest to `name` by edit distance, when it is close enough to be a typo.
    public static func nearest(to name: String) -> String? {
        nearestName(to: name, among: Array(byName.keys))
    }

    /// Every directive, in the order `show settings` lists them (aliases excluded).
    public static let all: [DomainDirective] = [
        int("max-smtp-out", \.maxSmtpOut, throttle: true, min: 1),
        int("max-msg-per-connection", \.maxMsgPerConnection, throttle: true, unlimitedIsZero: true),
        rate("max-msg-rate", \.maxMsgRate, throttle: true),
        rate("max-connect-rate", \.maxConnectRate, throttle: true),
        int("max-rcpt-per-transaction", \.maxRcptPerTransaction, throttle: true, min: 1),
        int("max-msg-per-hour", \.maxMsgPerHour, throttle: true, unlimitedIsZero: true),
        int("max-msg-per-day", \.maxMsgPerDay, throttle: true, unlimitedIsZero: true),
        dailyCount("max-cold-virtual-mta-msg", \.maxColdVirtualMTAMsg),
        retry("retry-after", \.retryAfter, throttle: true),
        span("bounce-after", \.bounceAfter),
        rate("backoff-max-msg-rate", \.backoffMaxMsgRate, throttle: true),
        int("backoff-max-smtp-out", \.backoffMaxSmtpOut, throttle: true, min: 1),
        retry("backoff-retry-after", \.backoffRetryAfter, throttle: true),
        expiry("backoff-to-normal-after", \.backoffToNormalAfter),
        bool("backoff-to-normal-after-delivery", \.backoffToNormalAfterDelivery),
        name("backoff-reroute-to-virtual-mta", \.backoffRerouteToVirtualMTA),
        bool("backoff-upon-all-sources-disabled", \.backoffUponAllSourcesDisabled),
        name("smtp-pattern-list", \.smtpPatternList),
        bool("use-starttls", \.useStarttls),
        bool("require-starttls", \.requireStarttls),
        hosts("smtp-hosts", \.smtpHosts),
        bool("bounce-upon-no-mx", \.bounceUponNoMX),
        bool("bounce-upon-5xx-greeting", \.bounceUpon5xxGreeting),
        int("max-smtp-retries", \.maxSmtpRetries, unlimitedIsZero: true),
        int("max-errors-per-connection", \.maxErrorsPerConnection, unlimitedIsZero: true),
        int("max-smtp-out-per-ip", \.maxSmtpOutPerIP, throttle: true, unlimitedIsZero: true),
        bool("smtp-421-means-mx-unavailable", \.smtp421MeansMXUnavailable),
        bool("smtp-553-means-invalid-mailbox", \.smtp553MeansInvalidMailbox),
        int("mx-connection-attempts", \.mxConnectionAttempts, unlimitedIsZero: true),
        deliveryType("type", \.deliveryType),
        bool("ignore-8bitmime", \.ignore8BitMIME),
        bool("assume-delivery-upon-data-termination-timeout", \.assumeDeliveryUponDataTerminationTimeout),
        name("queue-to", \.queueTo),
        bool("dkim-sign", \.dkimSign),
        identity("dkim-identity", \.dkimIdentity),
        choice("dkim-headers-canon", \.dkimHeadersCanon),
        choice("dkim-body-canon", \.dkimBodyCanon),
        algorithm("dkim-algorithm", \.dkimAlgorithm),
        headerNames("dkim-headers", \.dkimHeaders),
        bool("dkim-disallow-adding-headers", \.dkimDisallowAddingHeaders),
        bool("dkim-add-timestamp", \.dkimAddTimestamp),
        expiry("dkim-expire-after", \.dkimExpireAfter),
        bool("dkim-add-body-limit", \.dkimAddBodyLimit),
        bool("second-dkim-sign", \.secondDKIMSign),
        identity("second-dkim-identity", \.secondDKIMIdentity),
        choice("dkim-missing-key", \.dkimMissingKey),
        bool("deliver-local-dsn", \.deliverLocalDSN),
        choice("dsn-format", \.dsnFormat),
        expiry("notify-of-delay-every", \.notifyOfDelayEvery),
        bool("ignore-dsn", \.ignoreDSN),
        span("connect-timeout", \.connectTimeout),
        span("smtp-greeting-timeout", \.smtpGreetingTimeout),
        span("data-send-timeout", \.dataSendTimeout),
        span("smtp-data-termination-timeout", \.smtpDataTerminationTimeout),
        span("idle-timeout", \.idleTimeout),
        span("dns-timeout", \.dnsTimeout),
    ]

    /// Alternative names accepted for a directive: PowerMTA's `route` sets the same hosts as
    /// `smtp-hosts`, and `max-conn-rate` (the spelling of PowerMTA's documentation and of the
    /// seeds) is `max-connect-rate`.
    /// PowerMTA's `max-rcpt-per-message` in `<domain>` is its older name of
    /// `max-rcpt-per-transaction`; `expire-after` (the seeds' name) is `bounce-after`;
    /// `max-smtp-out-per-source-ip` is `max-smtp-out-per-ip`.
    static let aliases: [String: String] = [
        "route": "smtp-hosts", "max-conn-rate": "max-connect-rate", "max-rcpt-per-message": "max-rcpt-per-transaction",
        "expire-after": "bounce-after", "max-smtp-out-per-source-ip": "max-smtp-out-per-ip",
    ]

    private static let byName: [String: DomainDirective] = {
        var map: [String: DomainDirective] = [:]
        for d in all { map[d.name] = d }
        for (alias, target) in aliases { map[alias] = map[target] }
        return map
    }()

    // MARK: - Builders, one per value type

    private typealias Field<T: Hashable & Sendable> = WritableKeyPath<DomainSettings, Sourced<T>> & Sendable

    private static func make<T: Hashable & Sendable>(
        _ name: String, _ field: Field<T>, throttle: Bool,
        parse: @escaping @Sendable (String) throws(ValueError) -> T,
        show: @escaping @Sendable (T) -> String
    ) -> DomainDirective {
        DomainDirective(
            name: name, isThrottle: throttle,
            apply: { (settings: inout DomainSettings, text: String, origin: Origin) throws(ValueError) in
                settings[keyPath: field] = Sourced(try parse(text), origin)
            },
            read: { settings in
                let v = settings[keyPath: field]
                return (show(v.value), v.origin)
            })
    }

    private static func int(_ name: String, _ field: Field<Int>, throttle: Bool = false,
                            min: Int = 0, unlimitedIsZero: Bool = false) -> DomainDirective {
        make(name, field, throttle: throttle, parse: { (text: String) throws(ValueError) -> Int in
            if unlimitedIsZero, text.lowercased() == "unlimited" { return 0 }
            guard let n = Int(text), n >= min else {
                let what = min > 0 ? "a whole number of at least \(min)" : "a whole number (0 = unlimited)"
                throw ValueError(expected: what, found: text)
            }
            return n
        }, show: { n in unlimitedIsZero && n == 0 ? "unlimited" : String(n) })
    }

    private static func dailyCount(_ name: String, _ field: Field<Int>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) in
            try DailyCount.parse(t, allowUnlimited: true)
        }, show: { n in n == 0 ? "unlimited" : "\(n)/day" })
    }

    private static func rate(_ name: String, _ field: Field<Rate>, throttle: Bool = false) -> DomainDirective {
        make(name, field, throttle: throttle, parse: { (t: String) throws(ValueError) in try Rate(parsing: t) },
             show: \.description)
    }

    private static func span(_ name: String, _ field: Field<TimeSpan>, throttle: Bool = false) -> DomainDirective {
        make(name, field, throttle: throttle, parse: { (t: String) throws(ValueError) in try TimeSpan(parsing: t) },
             show: \.description)
    }

    private static func expiry(_ name: String, _ field: Field<Expiry>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) in try Expiry(parsing: t) },
             show: \.description)
    }

    private static func retry(_ name: String, _ field: Field<RetrySchedule>, throttle: Bool = false) -> DomainDirective {
        make(name, field, throttle: throttle,
             parse: { (t: String) throws(ValueError) in try RetrySchedule(parsing: t) }, show: \.description)
    }

    private static func bool(_ name: String, _ field: Field<Bool>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) in try parseBool(t) },
             show: { $0 ? "yes" : "no" })
    }

    private static func name(_ name: String, _ field: Field<String?>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) -> String? in
            guard !t.isEmpty, !t.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw ValueError(expected: "a name", found: t)
            }
            return t
        }, show: { $0 ?? "none" })
    }

    private static func choice<T: CaseIterable & RawRepresentable & Hashable & Sendable>(
        _ name: String, _ field: Field<T>
    ) -> DomainDirective where T.RawValue == String {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) in
            guard let value = T(rawValue: t.lowercased()) else {
                throw ValueError(expected: T.allCases.map(\.rawValue).joined(separator: " or "), found: t)
            }
            return value
        }, show: \.rawValue)
    }

    private static func algorithm(_ name: String, _ field: Field<DKIMAlgorithmSetting?>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) -> DKIMAlgorithmSetting? in
            if t.lowercased() == "any" { return nil }
            return try DKIMAlgorithmSetting(parsing: t)
        }, show: { $0?.rawValue ?? "any" })
    }

    private static func identity(_ name: String, _ field: Field<String?>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) -> String? in
            try parseDKIMIdentity(t)
        }, show: { $0 ?? "none" })
    }

    private static func headerNames(_ name: String, _ field: Field<[String]>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) -> [String] in
            let names = t.split(whereSeparator: { $0 == "," || $0 == ":" || $0 == " " || $0 == "\t" }).map(String.init)
            let fieldName = { (n: String) in
                n.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != ":" }
            }
            guard !names.isEmpty, names.allSatisfy(fieldName) else {
                throw ValueError(expected: "header field names separated by commas, e.g. From,To,Subject", found: t)
            }
            return names
        }, show: { $0.joined(separator: ",") })
    }

    private static func deliveryType(_ name: String, _ field: Field<DeliveryType>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) in try DeliveryType(parsing: t) },
             show: \.rawValue)
    }

    private static func hosts(_ name: String, _ field: Field<[MailHost]>) -> DomainDirective {
        make(name, field, throttle: false, parse: { (t: String) throws(ValueError) in try MailHost.parseList(t) },
             show: { $0.isEmpty ? "none" : $0.map(\.description).joined(separator: ",") })
    }
}

/// Parses yes/no/true/false/on/off/1/0 (any case).
public func parseBool(_ text: String) throws(ValueError) -> Bool {
    switch text.lowercased() {
    case "yes", "true", "on", "1": return true
    case "no", "false", "off", "0": return false
    default: throw ValueError(expected: "yes or no (also true/false)", found: text)
    }
}

/// The candidate closest to `name` by Levenshtein distance, if within a third of its length
/// (at least 2 edits allowed).
public func nearestName(to name: String, among candidates: [String]) -> String? {
    let target = Array(name.lowercased())
    var best: (String, Int)?
    for candidate in candidates.sorted() {
        let d = editDistance(target, Array(candidate))
        if best == nil || d < best!.1 { best = (candidate, d) }
    }
    guard let (candidate, distance) = best, distance <= max(2, target.count / 3) else { return nil }
    return candidate
}

func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1,
                                   previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
