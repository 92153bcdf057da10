/// A whole configuration, typed: what the daemon runs from.
///
/// Built by ``ConfigLoader`` (always, on a best-effort basis even when there are errors).
public struct ConfigModel: Hashable, Sendable {
    /// `host-name`: the name this node uses in EHLO, Received headers, events and metrics.
    public var hostName: String?
    /// `postmaster`: the address DSNs are sent from.
    public var postmaster: String?
    /// `control-socket`: the Unix socket of the control protocol.
    public var controlSocket: String?
    /// `http-mgmt-port`: the HTTP management API and Prometheus `/metrics`.
    public var httpManagement: ListenAddress?
    /// `http-access` lines, in file order; see ``httpAccessLevel(for:)``.
    public var httpAccess: [HTTPAccessRule] = []
    /// `smtp-listener` directives and blocks.
    public var smtpListeners: [SMTPListener] = []
    /// `smtp-server-tls-certificate FILE [PASSPHRASE]`: with it the listeners offer STARTTLS
    /// (where the client's `<source>` allows it) and `tls=yes` listeners can start.
    public var smtpServerTLSCertificate: ServerTLSCertificate?
    /// `relay-domain DOMAIN` lines (lowercased): mail for them is accepted from any client.
    public var relayDomains: [String] = []
    /// `dns-server ADDRESS[:PORT]` [resolv.conf]: the name server for MX and address lookups
    /// (IPv4; port 53 unless given).
    public var dnsServer: ListenAddress?
    /// `total-max-smtp-out` [2000, bounded by the descriptors kept for delivery]: delivery
    /// connections across all queues.
    public var totalMaxSMTPOut: Int?
    /// `total-max-smtp-in` [unlimited, bounded by the descriptor limit]: simultaneous inbound SMTP
    /// connections over all listeners; one more gets `421 4.3.2` and is closed.
    public var totalMaxSMTPIn: Int?
    /// `smtp-in-command-timeout` [2m]: a command line must be complete this long after its
    /// first byte arrived (a client trickling a command is closed with `421 4.4.2`).
    public var smtpInCommandTimeout: TimeSpan?
    /// `smtp-in-min-data-rate` [256 bytes a second]: message content must arrive at least this
    /// fast, measured over 30-second windows, or the session is closed with `421 4.4.2`.
    public var smtpInMinimumDataRate: ByteSize?
    /// `smtp-in-message-memory` [256M]: memory held by messages being received, over all
    /// sessions; beyond it DATA gets `452 4.3.1`.
    public var smtpInMessageMemory: ByteSize?
    /// `jobid-header` at the top level [X-Job]: the header that gives a message's job id, unless
    /// a `<source>` names another.
    public var jobIDHeader: String?
    /// `domain-key SELECTOR,DOMAIN,PATH` lines at the top level, in file order: DKIM keys every
    /// vmta may sign with (after its own).
    public var domainKeys: [DomainKey] = []
    /// `log-file`: the daemon's log.
    public var logFile: String?
    /// `<spool>` blocks.
    public var spools: [SpoolSettings] = []
    /// `domain-macro NAME a,b` definitions, expanded (names without `$`).
    public var domainMacros: [String: [String]] = [:]
    /// `<source>` blocks in file order.
    public var sources: [SourceBlock] = []
    /// `<source-group>` blocks by name.
    public var sourceGroups: [String: SourceGroup] = [:]
    /// `<rewrite-list>` blocks by name.
    public var rewriteLists: [String: RewriteList] = [:]
    /// `<bounce-processor>` and `<feedback-loop-processor>` blocks in file order (parsed only:
    /// nothing processes inbound bounces or reports yet).
    public var inboundProcessors: [InboundProcessor] = []
    /// The `<suppression>` block (its defaults without one).
    public var suppression = SuppressionSettings()
    /// The `<blocklist-watch>` block; nil without one (no blocklist lookups).
    public var blocklistWatch: BlocklistWatchSettings?
    /// The `<cluster>` block; nil without one (a single node: throttles and suppression in process).
    public var cluster: ClusterSettings?
    /// `<virtual-mta>` blocks by name.
    public internal(set) var virtualMTAs: [String: VirtualMTA] = [:]
    /// `<warmup-schedule>` blocks by name.
    public var warmupSchedules: [String: WarmupSchedule] = [:]
    /// `<virtual-mta-pool>` blocks by name.
    public var pools: [String: VirtualMTAPool] = [:]
    /// Top-level `<domain>` blocks in file order. Assigning re-indexes them for
    /// ``effectiveSettings(domain:vmta:)``: assign the whole list once rather than appending in a loop.
    public var domainBlocks: [DomainBlock] = [] {
        didSet { domainIndex = DomainIndex(domainBlocks) }
    }
    /// `<smtp-pattern-list>` blocks by name.
    public var smtpPatternLists: [String: SMTPPatternList] = [:]
    /// Rules of `<bounce-category-patterns>` in file order (empty without the block).
    public var bounceCategoryRules: [BounceCategoryRule] = []
    /// `<acct-file>` blocks.
    public var acctFiles: [AccountingFile] = []
    /// `<pattern-list>` blocks by name.
    public var patternLists: [String: PatternList] = [:]
    /// `<smtp-user>` blocks by name.
    public var smtpUsers: [String: SMTPUser] = [:]
    /// `<mx-rollup-list>` blocks by name.
    public var mxRollupLists: [String: MXRollupList] = [:]

    private var domainIndex = DomainIndex([])
    private var vmtaIndexes: [String: DomainIndex] = [:]

    /// An empty configuration: every setting at its default.
    public init() {}

    /// The path of the first `<spool>` block, if any.
    public var spoolPath: String? { spools.first?.path }

    /// Adds or replaces a vmta (and re-indexes its nested `<domain>` blocks).
    public mutating func setVirtualMTA(_ vmta: VirtualMTA) {
        virtualMTAs[vmta.name] = vmta
        vmtaIndexes[vmta.name] = vmta.domainBlocks.isEmpty ? nil : DomainIndex(vmta.domainBlocks)
    }

    /// The effective `<domain>` settings of queue `domain/vmta`, each with its origin: built-in
    /// defaults, then the top-level blocks from general to specific (`*` < `[*.]x` < `*.x` <
    /// exact), then the blocks nested in `vmta` in the same order. Names are case-insensitive.
    /// A nil or unknown `vmta` gives the domain-level settings.
    public func effectiveSettings(domain: String, vmta: String?) -> DomainSettings {
        var name = domain.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        var settings = DomainSettings()
        domainIndex.apply(to: &settings, domain: name)
        if let vmta, let index = vmtaIndexes[vmta] { index.apply(to: &settings, domain: name) }
        return settings
    }

    /// The `<source>` block for a client at `address`: among the address/CIDR blocks containing
    /// it, the most specific (longest prefix; the first in file order among equals), as
    /// PowerMTA picks `<source 127.0.0.1>` over `<source 0/0>` whatever their order. Named
    /// `{name}` blocks are never chosen by address; see ``source(named:)``.
    public func source(for address: IPAddress) -> SourceBlock? {
        var best: SourceBlock?
        var bestLength = -1
        for source in sources {
            guard case .addresses(let cidr) = source.match, cidr.contains(address),
                  cidr.prefixLength > bestLength else { continue }
            best = source
            bestLength = cidr.prefixLength
        }
        return best
    }

    /// What a management client at `address` may do: the level of the most specific
    /// `http-access` rule containing it (the first in file order among equals), or `.none`.
    public func httpAccessLevel(for address: IPAddress) -> HTTPAccessLevel {
        var best: HTTPAccessRule?
        for rule in httpAccess where rule.clients.contains(address) {
            if best.map({ rule.clients.prefixLength > $0.clients.prefixLength }) ?? true { best = rule }
        }
        return best?.level ?? .none
    }

    /// The named `<source {name}>` block (`name` without braces), used for authenticated users
    /// and listeners that name a source.
    public func source(named name: String) -> SourceBlock? {
        sources.first { $0.match == .named(name) }
    }

    /// The vmta names of `name`: the vmta itself, or a pool's members; empty when unknown.
    public func virtualMTAs(named name: String) -> [String] {
        if virtualMTAs[name] != nil { return [name] }
        return pools[name]?.allMembers ?? []
    }
}
