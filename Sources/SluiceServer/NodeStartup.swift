import Foundation
import NIOPosix
import SluiceConfig
import SluiceControlServer
import SluiceCore
import SluiceDNS
import SluiceSMTP
import SluiceSpool
import SluiceSuppression

/// Why a node could not start.
public enum NodeStartError: Error, CustomStringConvertible {
    /// Neither the configuration nor the options name a spool directory.
    case noSpool
    /// A part failed to start; `part` names it (`spool /var/spool/sluice`, `smtp-listener 127.0.0.1:25`).
    case failed(part: String, reason: String)

    /// One line for the operator.
    public var description: String {
        switch self {
        case .noSpool: return "no spool directory: add `spool DIR` to the configuration"
        case .failed(let part, let reason): return "cannot start \(part): \(reason)"
        }
    }
}

/// What a node is made of before it runs: the spool opened and recovered, the audit log, the
/// override file, the suppression list, the delivery transport and the rollup resolver, the
/// descriptor budget, and the options adjusted to it.
struct NodeStartup: Sendable {
    var options: NodeOptions
    var spool: Spool
    var spoolDirectory: String
    var recovery: RecoveryReport
    var auditLog: AuditLog?
    var overrides: PersistedOverrides
    var transport: any DeliveryTransport
    var rollupResolver: RollupResolver
    var descriptors: DescriptorBudget
    /// The DKIM keys read from the files the configuration names.
    var dkimKeyring: DKIMKeyring
    /// The suppression list (nil when `<suppression>` says `enabled no`).
    var suppressionStore: SuppressionStore?
    /// Where inbound reports wait to be processed (`inbound-reports` in the spool directory).
    var reportInbox: ReportInbox
    /// The messages taken for delivery (`sent-messages.sqlite` in the spool directory).
    var sentMessages: SentMessageIndex
    /// Where the warm-up state is saved, and what it held at start (nil: none yet, or unreadable).
    var warmupFile: WarmupFile
    var warmupLedger: WarmupLedger?
    /// DNS queries (the `dns-server`, or resolv.conf's): MX lookups and the blocklist watch.
    var querier: any DNSQuerying

    /// Raises the descriptor limit, opens the spool, the audit log and the override file, and
    /// builds delivery (``NodeOptions/transport``, or SMTP over the network).
    ///
    /// - Throws: ``NodeStartError``; whatever had been opened is closed again.
    static func open(configuration: ConfigModel, options: NodeOptions) async throws -> NodeStartup {
        guard let directory = options.spoolDirectory ?? configuration.spoolPath else { throw NodeStartError.noSpool }
        let (keyring, keyFindings) = DKIMKeyring.load(configuration)
        if let error = keyFindings.first(where: { $0.severity == .error }) {
            throw NodeStartError.failed(part: "DKIM signing", reason: error.description)
        }
        for finding in keyFindings { options.log("dkim: \(finding)") }
        let (budget, limitWarning) = DescriptorBudget.raiseSoftLimit()
        if let limitWarning { options.log(limitWarning) }
        var options = options
        let (outbound, outboundWarning) = budget.outboundCap(
            configured: configuration.totalMaxSMTPOut ?? options.tuning.maxTotalConnections)
        if let outboundWarning { options.log(outboundWarning) }
        options.tuning.maxTotalConnections = outbound
        var spoolOptions = options.spoolOptions
        if let minimum = configuration.spools.first?.minimumFreeSpace { spoolOptions.minimumFreeSpace = minimum }
        let (spool, report) = try openSpool(directory, options: spoolOptions)
        if let minimum = spoolOptions.minimumFreeSpace, let free = FileSystem.freeBytes(directory), free < minimum.bytes {
            options.log("spool: \(free) bytes free on the file system of \(directory), below min-free-space \(minimum): "
                        + "new mail is refused with 452 4.3.1 until space is freed")
        }
        let auditPath = options.auditLogPath ?? directory + "/audit.log"
        let auditLog: AuditLog?
        do { auditLog = auditPath.isEmpty ? nil : try AuditLog(path: auditPath) } catch {
            await spool.close()
            throw NodeStartError.failed(part: "audit log \(auditPath)", reason: error.message)
        }
        let overridesPath = directory + "/overrides.conf"
        let overrides: PersistedOverrides
        do { overrides = try PersistedOverrides(path: overridesPath) } catch {
            await spool.close()
            throw NodeStartError.failed(part: "override file \(overridesPath)", reason: error.message)
        }
        let suppressionStore: SuppressionStore?
        do { suppressionStore = try NodeSuppression.open(configuration.suppression, spoolDirectory: directory) } catch {
            await spool.close()
            throw error
        }
        let reportInbox: ReportInbox
        let sentMessages: SentMessageIndex
        do {
            reportInbox = try ReportInbox(spoolDirectory: directory)
            sentMessages = try SentMessageIndex(path: directory + "/sent-messages.sqlite", clock: options.clock,
                                                log: options.log)
        } catch {
            await spool.close()
            throw NodeStartError.failed(part: "inbound report processing in \(directory)", reason: "\(error)")
        }
        let nameserver = configuration.dnsServer.map { (address: $0.address.description, port: UInt16($0.port)) }
        let querier = options.dnsQuerying ?? SystemResolver(nameserver: nameserver)
        let resolver = MXResolver(querier: querier, clock: options.clock)
        let transport = options.transport ?? NIODeliveryTransport(
            resolver: resolver, group: MultiThreadedEventLoopGroup.singleton, tls: try? SMTPClientTLS.standard(verifyPeer: false),
            deliveryGuard: options.deliveryGuard, mxPort: options.mxPort, clock: options.clock, log: options.log)
        let rollups = RollupResolver(resolver: resolver, clock: options.clock, timeout: options.rollupLookupTimeout)
        for warning in report.warnings { options.log("spool: \(warning)") }
        let warmupFile = WarmupFile(spoolDirectory: directory)
        var warmupLedger: WarmupLedger?
        do { warmupLedger = try warmupFile.read() } catch {
            options.log("warmup: cannot read \(warmupFile.path) (\(error)); warm-up schedules start from day 1")
        }
        return NodeStartup(options: options, spool: spool, spoolDirectory: directory, recovery: report, auditLog: auditLog,
                           overrides: overrides, transport: transport, rollupResolver: rollups, descriptors: budget,
                           dkimKeyring: keyring, suppressionStore: suppressionStore, reportInbox: reportInbox,
                           sentMessages: sentMessages, warmupFile: warmupFile, warmupLedger: warmupLedger, querier: querier)
    }

    private static func openSpool(_ directory: String, options: SpoolOptions) throws -> (Spool, RecoveryReport) {
        do { return try Spool.open(directory: directory, options: options) } catch {
            if case SpoolError.io(_, _, let code) = error, code == ENOSPC || code == EDQUOT {
                let free = FileSystem.freeBytes(directory).map { "\($0) bytes free" } ?? "free space unknown"
                throw NodeStartError.failed(part: "spool \(directory)",
                                            reason: "its file system is full (\(free)): \(error); free some space and start again")
            }
            throw NodeStartError.failed(part: "spool \(directory)", reason: "\(error)")
        }
    }
}
