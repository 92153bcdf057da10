import SluiceConfig
import SluiceDKIM

/// What DKIM does to one received message, decided from the configuration and the keyring:
/// nothing, sign with one or two signatures, or (no key) send unsigned or refuse. Pure.
///
/// The message is signed when its `<source>` says `dkim-sign yes`, or when the source does not
/// say and any recipient's domain (in the message's vmta) says `dkim-sign yes`; the first such
/// recipient's domain settings shape the signature (identity, canonicalization, headers, tags).
/// The identity is `dkim-identity`, else the From domain; its key comes from
/// ``DKIMKeyring/key(for:vmta:algorithm:)``.
public struct DKIMSigningPlan: Sendable {
    /// Whether the configuration asks for a signature at all.
    public var requested = false
    /// The signatures to add, first signature first.
    public var signatures: [DKIMSignatureSpec] = []
    /// Why a requested signature is missing (no key for a domain, no From domain), one line each.
    public var missing: [String] = []
    /// True when a signature is missing and `dkim-missing-key refuse` applies.
    public var refuse = false

    /// No signature requested.
    public init() {}

    /// The plan for a message sent through `vmta` to recipients of `recipientDomains`, whose
    /// From domain is `fromDomain` (nil when it has none), from a source whose `dkim-sign` is
    /// `sourceSetting` (nil: not set).
    public init(configuration: ConfigModel, keyring: DKIMKeyring, vmta: String, recipientDomains: [String],
                sourceSetting: Bool?, fromDomain: String?) {
        self.init(settings: { configuration.effectiveSettings(domain: $0, vmta: vmta) }, keyring: keyring, vmta: vmta,
                  recipientDomains: recipientDomains, sourceSetting: sourceSetting, fromDomain: fromDomain)
    }

    /// The same, with each recipient domain's effective settings in `vmta` from `settings` (a
    /// cache of `ConfigModel.effectiveSettings(domain:vmta:)`).
    public init(settings settingsFor: (String) -> DomainSettings, keyring: DKIMKeyring, vmta: String,
                recipientDomains: [String], sourceSetting: Bool?, fromDomain: String?) {
        guard sourceSetting != false else { return }
        var chosen: DomainSettings?
        var seen = Set<String>()
        for domain in recipientDomains where seen.insert(domain).inserted {
            let settings = settingsFor(domain)
            if settings.dkimSign.value {
                chosen = settings
                break
            }
        }
        if chosen == nil, sourceSetting == true {
            chosen = settingsFor(recipientDomains.first ?? "")
        }
        guard let settings = chosen else { return }
        requested = true
        addSignature(identity: settings.dkimIdentity.value, settings: settings, keyring: keyring, vmta: vmta,
                     fromDomain: fromDomain)
        if settings.secondDKIMSign.value {
            if let second = settings.secondDKIMIdentity.value {
                addSignature(identity: second, settings: settings, keyring: keyring, vmta: vmta, fromDomain: fromDomain)
            } else {
                missing.append("second-dkim-sign is yes but second-dkim-identity names no identity")
            }
        }
        refuse = !missing.isEmpty && settings.dkimMissingKey.value == .refuse
    }

    private mutating func addSignature(identity: String?, settings: DomainSettings, keyring: DKIMKeyring, vmta: String,
                                       fromDomain: String?) {
        guard let identityDomain = identity.map(Self.domain(ofIdentity:)) ?? fromDomain else {
            missing.append("the message has no From domain to sign for")
            return
        }
        guard let entry = keyring.key(for: identityDomain, vmta: vmta, algorithm: settings.dkimAlgorithm.value) else {
            let kind = settings.dkimAlgorithm.value.map { " \($0.rawValue)" } ?? ""
            missing.append("no\(kind) domain-key for \(identityDomain) in virtual-mta '\(vmta)' or at the top level")
            return
        }
        let signingDomain = entry.line.domain == DomainKey.anyDomain ? identityDomain : entry.line.domain
        let expiry: Int64?
        switch settings.dkimExpireAfter.value {
        case .never: expiry = nil
        case .after(let span): expiry = max(1, span.milliseconds / 1000)
        }
        signatures.append(DKIMSignatureSpec(
            domain: signingDomain, selector: entry.line.selector, key: entry.key,
            headerCanonicalization: DKIMCanonicalization(settings.dkimHeadersCanon.value),
            bodyCanonicalization: DKIMCanonicalization(settings.dkimBodyCanon.value),
            headers: settings.dkimHeaders.value, oversign: settings.dkimDisallowAddingHeaders.value,
            identity: identity, addTimestamp: settings.dkimAddTimestamp.value, expireAfterSeconds: expiry,
            addBodyLength: settings.dkimAddBodyLimit.value))
    }

    /// The domain of an identity `[local]@domain`.
    static func domain(ofIdentity identity: String) -> String {
        identity.lastIndex(of: "@").map { String(identity[identity.index(after: $0)...]) } ?? identity
    }
}

extension DKIMCanonicalization {
    /// The algorithm a `dkim-headers-canon` / `dkim-body-canon` value names.
    init(_ setting: DKIMCanonicalizationSetting) {
        switch setting {
        case .simple: self = .simple
        case .relaxed: self = .relaxed
        }
    }
}
