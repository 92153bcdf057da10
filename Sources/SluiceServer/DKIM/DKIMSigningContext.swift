import SluiceConfig
import Synchronization
import SluiceDKIM

/// What signing did to one received message, for the per-queue counts and the event log.
public enum DKIMReceipt: Hashable, Sendable {
    /// Nothing asked for a signature.
    case notRequested
    /// Signed; the keys' `SELECTOR._domainkey.DOMAIN` names, first signature first.
    case signed([String])
    /// A signature was asked for and is missing (sent unsigned, or with only the first of two);
    /// why, one line.
    case unsigned(String)
}

/// The configuration and keys the listeners sign with; replaced as a whole by `reload`.
public struct DKIMSigningContext: Sendable {
    /// The configuration whose `<domain>` and `<source>` settings decide.
    public let configuration: ConfigModel  // fixed: the settings cache below is of this configuration
    /// The keys.
    public var keyring: DKIMKeyring
    /// False when nothing in the configuration says `dkim-sign yes`: messages skip the plan.
    public let signsAnything: Bool
    /// Each recipient domain's effective settings per vmta, as the plans ask for them: computing
    /// them costs about a quarter of an Ed25519 signature, for every message. Shared by the
    /// copies of this context; a reload makes a new context, so a new cache.
    let settingsCache = DKIMSettingsCache()

    /// A context for `configuration` with `keyring`.
    public init(configuration: ConfigModel, keyring: DKIMKeyring) {
        self.configuration = configuration
        self.keyring = keyring
        let blocks = configuration.domainBlocks
            + configuration.virtualMTAs.values.flatMap(\.domainBlocks)
            + configuration.pools.values.flatMap(\.domainBlocks)
        signsAnything = configuration.sources.contains { $0.dkimSign == true }
            || blocks.contains { block in
                block.entries.contains { $0.name == "dkim-sign" && (try? parseBool($0.value)) == true }
            }
    }

    /// Signs `content` as the plan for its vmta, recipients and source says.
    ///
    /// - Returns: the content to store (signed, or as it came), what signing did, and the reply
    ///   text when `dkim-missing-key refuse` turns the message away.
    public func sign(_ content: [UInt8], vmta: String, recipients: [String], sourceSetting: Bool?,
                     unixTime: Int64) -> (content: [UInt8], receipt: DKIMReceipt, refusal: String?) {
        guard signsAnything || sourceSetting == true else { return (content, .notRequested, nil) }
        let domains = recipients.map(RollupResolver.recipientDomain)
        let configuration = configuration
        let plan = DKIMSigningPlan(settings: { domain in
                                       settingsCache.settings(domain: domain, vmta: vmta) {
                                           configuration.effectiveSettings(domain: domain, vmta: vmta)
                                       }
                                   },
                                   keyring: keyring, vmta: vmta, recipientDomains: domains,
                                   sourceSetting: sourceSetting, fromDomain: FromDomain.of(content))
        guard plan.requested else { return (content, .notRequested, nil) }
        if plan.refuse { return (content, .unsigned(plan.missing.joined(separator: "; ")), plan.missing.joined(separator: "; ")) }
        var signed = content
        var missing = plan.missing
        if !plan.signatures.isEmpty {
            do { signed = try DKIMSigner.sign(content, with: plan.signatures, unixTime: unixTime) } catch {
                missing.append("signing failed: \(error)")
                signed = content
            }
        }
        if !missing.isEmpty { return (signed, .unsigned(missing.joined(separator: "; ")), nil) }
        return (signed, .signed(plan.signatures.map(\.recordName)), nil)
    }
}

/// Effective settings by recipient domain and vmta, computed once each; shared by the listener
/// sessions. Emptied when it reaches `limit` entries (mail to very many domains then computes
/// some again, as before the cache).
final class DKIMSettingsCache: Sendable {
    private struct Key: Hashable {
        var domain: String
        var vmta: String
    }

    private let entries = Mutex<[Key: DomainSettings]>([:])
    let limit: Int

    init(limit: Int = 10_000) { self.limit = limit }

    /// The settings of `domain` in `vmta`, from the cache or from `compute` (then kept).
    func settings(domain: String, vmta: String, compute: () -> DomainSettings) -> DomainSettings {
        let key = Key(domain: domain, vmta: vmta)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let settings = compute()
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = settings
        }
        return settings
    }

    /// How many settings are kept.
    var count: Int { entries.withLock { $0.count } }
}

/// The current ``DKIMSigningContext``, read by every listener session and swapped by `reload`.
final class DKIMContextStore: Sendable {
    /// A context behind one reference: reading it costs one retain, not a copy of the context
    /// (whose configuration holds many), for every message received.
    final class Current: Sendable {
        /// The context in force when it was read.
        let context: DKIMSigningContext
        init(_ context: DKIMSigningContext) { self.context = context }
    }

    private let current: Mutex<Current>

    init(_ context: DKIMSigningContext) { current = Mutex(Current(context)) }

    /// The context in force.
    var reference: Current { current.withLock { $0 } }

    /// The context in force, copied.
    var context: DKIMSigningContext { reference.context }

    /// Puts `context` in force for messages received from now on.
    func replace(with context: DKIMSigningContext) { current.withLock { $0 = Current(context) } }
}
