import SluiceConfig
import SluiceSMTP

/// The injection policy of each client address, from the configuration's `<source>` blocks.
///
/// The most specific address block containing the client decides the switches (relaying,
/// service, AUTH, X-Virtual-MTA, headers); `default-virtual-mta`, `max-message-size` and
/// `pattern-list` not set there are taken from the next less specific matching block (as are
/// `source-group`, `rewrite-list` and the limits), so a
/// `<source 0/0>` can name the default vmta for every client. No matching block: the PowerMTA
/// defaults (service on, no relaying).
///
/// After AUTH, an `<smtp-user>` with `source {name}` gets that named block's policy, as if it were
/// the most specific block (see ``policy(authenticatedUser:clientAddress:)``). As in PowerMTA,
/// authenticating does not by itself allow relaying: the user's source must allow it.
public struct ConfigSourcePolicies: SourcePolicyProvider {
    private let blocks: [(cidr: CIDR, block: SourceBlock)]
    private let patternLists: [String: PatternList]
    /// `relay-domain`: accepted from every client.
    private let relayDomains: Set<String>
    /// The global `jobid-header`, if any.
    private let jobIDHeader: String?
    /// The named `<source {name}>` block of each `<smtp-user>` that names one.
    private let userSources: [String: SourceBlock]
    /// `<source-group>` blocks by name.
    private let sourceGroups: [String: SourceGroup]
    /// `<rewrite-list>` blocks by name.
    private let rewriteLists: [String: RewriteList]

    /// Creates the table from a configuration.
    public init(configuration: ConfigModel) {
        var blocks: [(cidr: CIDR, block: SourceBlock)] = []
        for source in configuration.sources {
            if case .addresses(let cidr) = source.match { blocks.append((cidr, source)) }
        }
        // Most specific first; file order among equals.
        self.blocks = blocks.enumerated()
            .sorted { ($0.element.cidr.prefixLength, -$0.offset) > ($1.element.cidr.prefixLength, -$1.offset) }
            .map(\.element)
        self.patternLists = configuration.patternLists
        self.relayDomains = Set(configuration.relayDomains)
        self.jobIDHeader = configuration.jobIDHeader
        self.userSources = configuration.smtpUsers.compactMapValues { user in
            user.sourceName.flatMap { configuration.source(named: $0) }
        }
        self.sourceGroups = configuration.sourceGroups
        self.rewriteLists = configuration.rewriteLists
    }

    /// The inbound limits of the `<source-group>` blocks: each group's `reserved-smtp-in`.
    public static func reservedConnections(_ configuration: ConfigModel) -> [String: Int] {
        configuration.sourceGroups.compactMapValues(\.reservedSMTPIn)
    }

    /// The policy for a client at `clientAddress`.
    public func policy(for clientAddress: IPAddress) -> SourcePolicy {
        let matching = blocks.filter { $0.cidr.contains(clientAddress) }.map(\.block)
        guard let first = matching.first else {
            var policy = SourcePolicy(localDomains: relayDomains, authenticationAllowsRelaying: false)
            policy.jobIDHeader = jobIDHeader ?? policy.jobIDHeader
            return policy
        }
        return policy(first: first, matching: matching)
    }

    /// The policy for the rest of the session once `user` has authenticated from `clientAddress`:
    /// the user's `<source {name}>` first, then the blocks containing the address for what it
    /// leaves unset. The connection-level settings (service, connection limits, connection
    /// logging) stay those of the address. Nil when the user names no source: the address's
    /// policy stays.
    public func policy(authenticatedUser user: String, clientAddress: IPAddress) -> SourcePolicy? {
        guard let named = userSources[user] else { return nil }
        let connection = policy(for: clientAddress)
        let matching = blocks.filter { $0.cidr.contains(clientAddress) }.map(\.block)
        var result = policy(first: named, matching: [named] + matching)
        result.smtpService = connection.smtpService
        result.maxConnections = connection.maxConnections
        result.connectionRate = connection.connectionRate
        result.logConnections = connection.logConnections
        result.connectionGroup = connection.connectionGroup
        return result
    }

    /// The switches of `first`; the optional settings from the first of `matching` that sets them.
    private func policy(first: SourceBlock, matching: [SourceBlock]) -> SourcePolicy {
        let defaultVMTA = matching.lazy.compactMap(\.defaultVirtualMTA).first
        let maxSize = matching.lazy.compactMap(\.maxMessageSize).first
        let patternList = matching.lazy.compactMap(\.patternList).first
        let rules = patternList.flatMap { patternLists[$0] }?.rules.map { rule in
            SourcePolicy.PatternRule(field: rule.field == .mailFrom ? .mailFrom : .rcptTo, regex: rule.regex,
                                     virtualMTA: rule.virtualMTA)
        } ?? []
        var policy = SourcePolicy(smtpService: first.smtpService, allowRelaying: first.alwaysAllowRelaying,
                            requireAuth: first.requireAuth, processXVirtualMTA: first.processXVirtualMTA,
                            defaultVirtualMTA: defaultVMTA, maxMessageSize: maxSize.map { Int(clamping: $0.bytes) },
                            localDomains: relayDomains, patternRules: rules,
                            addReceivedHeader: matching.lazy.compactMap(\.addReceivedHeader).first ?? true,
                            addMessageIDHeader: first.addMessageIdHeader,
                            addDateHeader: first.addDateHeader,
                            allowUnencryptedAuth: matching.lazy.compactMap(\.allowUnencryptedPlainAuth).first ?? false,
                            maxConnections: matching.lazy.compactMap(\.maxSMTPIn).first,
                            connectionRate: matching.lazy.compactMap(\.maxSMTPInRate).first,
                            hideMessageSource: matching.lazy.compactMap(\.hideMessageSource).first ?? false,
                            maxRecipients: matching.lazy.compactMap(\.maxRcptPerMessage).first,
                            processXJob: matching.lazy.compactMap(\.processXJob).first ?? true,
                            retainXJob: matching.lazy.compactMap(\.retainXJob).first ?? false,
                            retainXVirtualMTA: matching.lazy.compactMap(\.retainXVirtualMTA).first ?? false,
                            logConnections: first.logConnections,
                            allowStartTLS: matching.lazy.compactMap(\.allowStartTLS).first ?? true,
                            authenticationAllowsRelaying: false)
        policy.removeReceivedHeaders = matching.lazy.compactMap(\.removeReceivedHeaders).first ?? false
        policy.removedHeaders = matching.flatMap(\.removedHeaders)
        policy.jobIDHeader = matching.lazy.compactMap(\.jobIDHeader).first ?? jobIDHeader ?? "X-Job"
        policy.dkimSign = matching.lazy.compactMap(\.dkimSign).first
        policy.suppressLocalDSN = matching.lazy.compactMap(\.suppressLocalDSN).first ?? false
        policy.verpDefault = matching.lazy.compactMap(\.verpDefault).first ?? false
        policy.rewriting = AddressRewriting(matching.lazy.compactMap(\.rewriteList).first.flatMap { rewriteLists[$0] })
        if let name = matching.lazy.compactMap(\.sourceGroup).first {
            policy.connectionGroup = SourcePolicy.ConnectionGroup(name: name, maxConnections: sourceGroups[name]?.maxSMTPIn)
        }
        return policy
    }
}
