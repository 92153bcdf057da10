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
public struct ConfigSourcePolicies: SourcePolicyProvider {
    private let blocks: [(cidr: CIDR, block: SourceBlock)]
    private let patternLists: [String: PatternList]
    /// `relay-domain`: accepted from every client.
    private let relayDomains: Set<String>
    /// The global `jobid-header`, if any.
    private let jobIDHeader: String?
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
        guard let first = matching.first else { return SourcePolicy(localDomains: relayDomains) }
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
                            logConnections: first.logConnections)
        policy.removeReceivedHeaders = matching.lazy.compactMap(\.removeReceivedHeaders).first ?? false
        policy.removedHeaders = matching.flatMap(\.removedHeaders)
        policy.jobIDHeader = matching.lazy.compactMap(\.jobIDHeader).first ?? jobIDHeader ?? "X-Job"
        policy.rewriting = AddressRewriting(matching.lazy.compactMap(\.rewriteList).first.flatMap { rewriteLists[$0] })
        if let name = matching.lazy.compactMap(\.sourceGroup).first {
            policy.connectionGroup = SourcePolicy.ConnectionGroup(name: name, maxConnections: sourceGroups[name]?.maxSMTPIn)
        }
        return policy
    }
}
