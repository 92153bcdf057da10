import Foundation
import NIOCore
import NIOPosix
import SluiceConfig
import SluiceControlServer
import SluiceCore
import SluiceDNS
import SluiceSMTP
import SluiceSpool

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

extension MailNode {
    /// Opens the spool, restores queued messages and operator controls, and starts the SMTP
    /// listeners, the control socket and (when configured) the HTTP management API.
    ///
    /// - Throws: ``NodeStartError``; whatever had started is stopped again.
    public static func start(configuration: ConfigModel, options: NodeOptions = NodeOptions()) async throws -> MailNode {
        guard let directory = options.spoolDirectory ?? configuration.spoolPath else { throw NodeStartError.noSpool }
        let (budget, limitWarning) = DescriptorBudget.raiseSoftLimit()
        if let limitWarning { options.log(limitWarning) }
        var options = options
        let (outbound, outboundWarning) = budget.outboundCap(
            configured: configuration.totalMaxSMTPOut ?? options.tuning.maxTotalConnections)
        if let outboundWarning { options.log(outboundWarning) }
        options.tuning.maxTotalConnections = outbound
        var spoolOptions = options.spoolOptions
        if let minimum = configuration.spools.first?.minimumFreeSpace { spoolOptions.minimumFreeSpace = minimum }
        let (spool, report): (Spool, RecoveryReport)
        do { (spool, report) = try Spool.open(directory: directory, options: spoolOptions) } catch {
            if case SpoolError.io(_, _, let code) = error, code == ENOSPC || code == EDQUOT {
                let free = FileSystem.freeBytes(directory).map { "\($0) bytes free" } ?? "free space unknown"
                throw NodeStartError.failed(part: "spool \(directory)",
                                            reason: "its file system is full (\(free)): \(error); free some space and start again")
            }
            throw NodeStartError.failed(part: "spool \(directory)", reason: "\(error)")
        }
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
        let nameserver = configuration.dnsServer.map { (address: $0.address.description, port: UInt16($0.port)) }
        let resolver = MXResolver(querier: options.dnsQuerying ?? SystemResolver(nameserver: nameserver),
                                  clock: options.clock)
        let connector = DeliveryConnector(resolver: resolver, group: MultiThreadedEventLoopGroup.singleton,
                                          tls: try? SMTPClientTLS.standard(verifyPeer: false),
                                          deliveryGuard: options.deliveryGuard, mxPort: options.mxPort,
                                          clock: options.clock)
        let rollups = RollupResolver(resolver: resolver, clock: options.clock, timeout: options.rollupLookupTimeout)
        let node = MailNode(configuration: configuration, options: options, spool: spool, spoolDirectory: directory,
                            auditLog: auditLog, persistedOverrides: overrides, connector: connector,
                            rollupResolver: rollups)
        for warning in report.warnings { options.log("spool: \(warning)") }
        await node.restore(report)
        do {
            try await node.startServers(descriptors: budget)
        } catch {
            await node.shutdown()
            throw error
        }
        return node
    }

    /// Re-installs persisted controls (first, so that a hold applies before anything is sent),
    /// then the spooled messages with their recipients' progress (their recipient domains
    /// assigned their rollups first, when the configuration has an `<mx-rollup-list>`).
    func restore(_ report: RecoveryReport) async {
        do {
            let time = now
            let (controls, warnings) = try spool.loadControls(now: time)
            for warning in warnings { log("spool: \(warning)") }
            for stored in controls {
                do {
                    perform(engine.restore(try JSONDecoder().decode(Control.self, from: stored.data), now: time))
                } catch {
                    log("spool: control \(stored.id) is unreadable and was skipped: \(error)")
                }
            }
        } catch {
            log("spool: could not load operator controls: \(error)")
        }
        await assignRollups(forRecipients: report.messages.lazy.flatMap { recovered in
            zip(recovered.message.recipients, recovered.recipients).lazy.filter { !$0.1.isDone }.map(\.0)
        })
        let time = now
        var restored = 0
        for recovered in report.messages {
            let recipients = recovered.recipients.map {
                RestoredRecipient(isFinal: $0.isDone, attempts: $0.attempts, nextAttempt: $0.nextAttempt)
            }
            // Before the engine takes it: a message with nothing left to do finishes at once.
            restoreAccountingHeaders(of: recovered.message.id)
            do {
                perform(try engine.restore(recovered.message, recipients: recipients, now: time))
                restored += 1
            } catch {
                accountingHeaderValues[recovered.message.id] = nil
                log("spool: message \(recovered.message.id) not restored: \(error)")
            }
        }
        log("started: \(restored) message(s), \(report.pendingRecipients) recipient(s) queued from \(spoolDirectory)")
    }

    /// Reads the `header_NAME` values of a message restored from the spool (only when an
    /// accounting file records headers); a message whose content cannot be read has none.
    private func restoreAccountingHeaders(of id: MessageID) {
        guard !accountingHeaderNames.isEmpty else { return }
        do {
            accountingHeaderValues[id] = AccountingHeaders.values(named: accountingHeaderNames,
                                                                  in: try spool.content(of: id))
        } catch {
            log("spool: headers of message \(id) for accounting not read: \(error)")
        }
    }

    /// Starts the listeners and the control plane.
    func startServers(descriptors budget: DescriptorBudget) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let listeners: [(address: ListenAddress, implicitTLS: Bool)] = options.smtpListeners?.map { ($0, false) } ?? {
            let configured = configuration.smtpListeners.map { ($0.address, $0.implicitTLS) }
            return configured.isEmpty ? [(.loopback(port: 25), false)] : configured
        }()
        let receiver = NodeReceiver(node: self, spool: spool, configuration: configuration, log: options.log)
        let policies = ConfigSourcePolicies(configuration: configuration)
        let (cap, capWarning) = budget.inboundCap(configured: configuration.totalMaxSMTPIn)
        if let capWarning { log(capWarning) }
        let limits = InboundLimits(totalConnections: cap,
                                   messageMemory: configuration.smtpInMessageMemory.map { Int(clamping: $0.bytes) }
                                       ?? InboundLimits().messageMemory,
                                   reservedConnections: ConfigSourcePolicies.reservedConnections(configuration))
        let gate = InboundGate(limits: limits, clock: options.clock, log: options.log)
        inboundGate = gate
        log("smtp-in: at most \(cap) connection(s) (descriptor limit \(budget.limit), \(budget.reserved) reserved), "
            + "\(limits.messageMemory >> 20) MiB for messages in flight; at most \(options.tuning.maxTotalConnections) "
            + "delivery connection(s)")
        var smtpConfiguration = SMTPServerConfiguration(hostName: hostName, postmasterAddress: configuration.postmaster)
        smtpConfiguration.messageSizeCeiling = limits.messageMemory
        if let timeout = configuration.smtpInCommandTimeout { smtpConfiguration.commandTimeout = timeout }
        if let rate = configuration.smtpInMinimumDataRate { smtpConfiguration.minimumDataRate = Int(clamping: rate.bytes) }
        InboundSecurity.configureAuth(&smtpConfiguration, configuration: configuration, policies: policies)
        let tls = try InboundSecurity.tls(configuration)
        if let certificate = configuration.smtpServerTLSCertificate {
            log("smtp-in: STARTTLS offered with the certificate in \(certificate.path)")
        }
        if !configuration.smtpUsers.isEmpty {
            log("smtp-in: AUTH PLAIN LOGIN offered for \(configuration.smtpUsers.count) smtp-user(s)")
        }
        for listener in listeners {
            do {
                let server = try await SMTPServer.start(
                    host: listener.address.address.description, port: listener.address.port, configuration: smtpConfiguration,
                    policies: policies, receiver: receiver, gate: gate, tls: tls, implicitTLS: listener.implicitTLS,
                    group: group, clock: options.clock)
                smtpServers.append(server)
                log("smtp-listener \(listener.address.address):\(server.port)" + (listener.implicitTLS ? " tls=yes" : ""))
            } catch SMTPServerError.implicitTLSWithoutCertificate {
                throw NodeStartError.failed(part: "smtp-listener \(listener.address)",
                                            reason: "tls=yes needs smtp-server-tls-certificate")
            } catch {
                throw NodeStartError.failed(part: "smtp-listener \(listener.address)", reason: "\(error)")
            }
        }
        let socketPath = options.controlSocketPath ?? configuration.controlSocket ?? spoolDirectory + "/control.sock"
        if !socketPath.isEmpty {
            do {
                controlSocket = try await ControlSocketServer.start(path: socketPath, service: controlService, group: group)
                log("control-socket \(socketPath)")
            } catch {
                throw NodeStartError.failed(part: "control-socket \(socketPath)", reason: error.message)
            }
        }
        if let port = options.httpPort ?? configuration.httpManagement?.port {
            let host = configuration.httpManagement?.address.description ?? "127.0.0.1"
            do {
                let access = HTTPAccess(rules: configuration.httpAccess.map {
                    HTTPAccess.Rule($0.clients, $0.level)
                }, tokens: try httpTokens())
                httpServer = try await ManagementHTTPServer.start(host: host, port: port, access: access, service: controlService,
                                                                  allowNonLoopback: configuration.httpManagement != nil,
                                                                  group: group)
                log("http-mgmt-port \(host):\(httpServer?.port ?? port)")
            } catch {
                throw NodeStartError.failed(part: "http-mgmt-port \(host):\(port)", reason: error.message)
            }
        }
    }

    /// The HTTP API's bearer tokens and their roles from ``NodeOptions/httpTokenFile``
    /// (`ID SECRET [admin|monitor]` per line; see ``HTTPAccess/parseTokens(_:file:)``).
    func httpTokens() throws(ControlError) -> [String: HTTPAccess.Token] {
        let path = options.httpTokenFile ?? spoolDirectory + "/http-tokens"
        guard let data = FileManager.default.contents(atPath: path) else {
            if options.httpTokenFile != nil { throw ControlError(.usage, "cannot read token file \(path)") }
            log("http-mgmt-port: no token file at \(path): every request will be refused")
            return [:]
        }
        return try HTTPAccess.parseTokens(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Stops gracefully: stops accepting mail and commands, lets transactions in flight finish
    /// (up to ``NodeOptions/shutdownGrace``; the rest are retried after a restart), sends QUIT on
    /// open delivery connections, writes the last progress and closes the spool. Calling it again
    /// returns at once.
    public func shutdown() async {
        guard !stopping else { return }
        stopping = true
        timer.task?.cancel()
        timer.task = nil
        for server in smtpServers { try? await server.close() }
        await controlSocket?.close()
        await httpServer?.close()
        let deadline = now + options.shutdownGrace
        while !running.isEmpty, now < deadline {
            try? await options.clock.sleep(for: TimeSpan(milliseconds: 10))
        }
        if !running.isEmpty { log("shutdown: \(running.count) transaction(s) still in flight are left for the next start") }
        let open = links.values.compactMap { link -> SMTPClientConnection? in
            if case .open(let connection, _) = link { return connection } else { return nil }
        }
        links = [:]
        await withTaskGroup(of: Void.self) { group in
            for connection in open { group.addTask { await connection.quit() } }
        }
        await progress.flush(giveUpOnFailure: true)
        do { try accounting.close(now: now) } catch { log("accounting: \(error)") }
        await spool.close()
        log("stopped")
    }
}
