import Foundation
import NIOCore
import NIOPosix
import SluiceConfig
import SluiceControlServer
import SluiceCore
import ServiceLifecycle
import SluiceSMTP

/// The node's listening parts: the SMTP listeners with the inbound gate they share, the control
/// socket and the HTTP management API.
struct NodeServers: Sendable {
    /// The SMTP listeners, in the order of the listener list.
    var smtp: [SMTPServer] = []
    /// The inbound connection and message-memory limits all SMTP listeners share.
    var inboundGate: InboundGate?
    /// The control socket, when it is open.
    var controlSocket: ControlSocketServer?
    /// The HTTP management API, when it is open.
    var http: ManagementHTTPServer?

    /// What the servers are started with.
    struct Context: Sendable {
        var configuration: ConfigModel
        var options: NodeOptions
        var hostName: String
        var spoolDirectory: String
        var receiver: NodeReceiver
        var controlService: ControlService
        var descriptors: DescriptorBudget

        func log(_ line: String) { options.log(line) }
    }

    /// Starts the listeners and the control plane.
    ///
    /// - Throws: ``NodeStartError`` naming the part that failed; whatever had started is closed again.
    static func start(_ context: Context) async throws -> NodeServers {
        var servers = NodeServers()
        do {
            try await servers.startSMTP(context)
            try await servers.startControlPlane(context)
            return servers
        } catch {
            await servers.close()
            throw error
        }
    }

    /// The listeners as services, in start-up order: the HTTP API, the control socket, the SMTP
    /// listeners (a group shuts them down in reverse: SMTP first, then the control plane).
    /// Each logs to `log` once it has closed.
    func services(log: @escaping @Sendable (String) -> Void) -> [any Service] {
        var services: [any Service] = []
        if let http { services.append(ListenerService(description: "http-mgmt-port \(http.port)", close: http.close, log: log)) }
        if let controlSocket {
            services.append(ListenerService(description: "control-socket \(controlSocket.path)", close: controlSocket.close,
                                            log: log))
        }
        for server in smtp {
            services.append(ListenerService(description: "smtp-listener \(server.localAddress.ipAddress ?? "?"):\(server.port)",
                                            close: { try? await server.close() }, log: log))
        }
        return services
    }

    /// Closes every listener and the control plane (a start-up that failed half-way).
    func close() async {
        for server in smtp { try? await server.close() }
        await controlSocket?.close()
        await http?.close()
    }

    private mutating func startSMTP(_ context: Context) async throws {
        let (configuration, options) = (context.configuration, context.options)
        let listeners: [(address: ListenAddress, implicitTLS: Bool)] = options.smtpListeners?.map { ($0, false) } ?? {
            let configured = configuration.smtpListeners.map { ($0.address, $0.implicitTLS) }
            return configured.isEmpty ? [(.loopback(port: 25), false)] : configured
        }()
        let policies = ConfigSourcePolicies(configuration: configuration)
        // Shared by the listeners: each client address is matched against the <source> blocks once.
        let listenerPolicies = CachedSourcePolicies(policies)
        let budget = context.descriptors
        let (cap, capWarning) = budget.inboundCap(configured: configuration.totalMaxSMTPIn)
        if let capWarning { context.log(capWarning) }
        let limits = InboundLimits(totalConnections: cap,
                                   messageMemory: configuration.smtpInMessageMemory.map { Int(clamping: $0.bytes) }
                                       ?? InboundLimits().messageMemory,
                                   reservedConnections: ConfigSourcePolicies.reservedConnections(configuration))
        let gate = InboundGate(limits: limits, clock: options.clock, log: options.log)
        inboundGate = gate
        context.log("smtp-in: at most \(cap) connection(s) (descriptor limit \(budget.limit), \(budget.reserved) reserved), "
            + "\(limits.messageMemory >> 20) MiB for messages in flight; at most \(options.tuning.maxTotalConnections) "
            + "delivery connection(s)")
        var smtpConfiguration = SMTPServerConfiguration(hostName: context.hostName, postmasterAddress: configuration.postmaster)
        let recipientGate = context.receiver.node.recipientGate
        smtpConfiguration.recipientDisposition = { recipient, sender, relayingAllowed in
            recipientGate.disposition(recipient: recipient, sender: sender, relayingAllowed: relayingAllowed)
        }
        smtpConfiguration.messageSizeCeiling = limits.messageMemory
        if let timeout = configuration.smtpInCommandTimeout { smtpConfiguration.commandTimeout = timeout }
        if let rate = configuration.smtpInMinimumDataRate { smtpConfiguration.minimumDataRate = Int(clamping: rate.bytes) }
        InboundSecurity.configureAuth(&smtpConfiguration, configuration: configuration, policies: policies)
        let tls = try InboundSecurity.tls(configuration)
        if let certificate = configuration.smtpServerTLSCertificate {
            context.log("smtp-in: STARTTLS offered with the certificate in \(certificate.path)")
        }
        if !configuration.smtpUsers.isEmpty {
            context.log("smtp-in: AUTH PLAIN LOGIN offered for \(configuration.smtpUsers.count) smtp-user(s)")
        }
        for listener in listeners {
            do {
                let server = try await SMTPServer.start(
                    host: listener.address.address.description, port: listener.address.port, configuration: smtpConfiguration,
                    policies: listenerPolicies, receiver: context.receiver, gate: gate, tls: tls, implicitTLS: listener.implicitTLS,
                    group: MultiThreadedEventLoopGroup.singleton, clock: options.clock)
                smtp.append(server)
                context.log("smtp-listener \(listener.address.address):\(server.port)" + (listener.implicitTLS ? " tls=yes" : ""))
            } catch SMTPServerError.implicitTLSWithoutCertificate {
                throw NodeStartError.failed(part: "smtp-listener \(listener.address)",
                                            reason: "tls=yes needs smtp-server-tls-certificate")
            } catch {
                throw NodeStartError.failed(part: "smtp-listener \(listener.address)", reason: "\(error)")
            }
        }
    }

    private mutating func startControlPlane(_ context: Context) async throws {
        let (configuration, options) = (context.configuration, context.options)
        let group = MultiThreadedEventLoopGroup.singleton
        let socketPath = options.controlSocketPath ?? configuration.controlSocket ?? context.spoolDirectory + "/control.sock"
        if !socketPath.isEmpty {
            do {
                controlSocket = try await ControlSocketServer.start(path: socketPath, service: context.controlService, group: group)
                context.log("control-socket \(socketPath)")
            } catch {
                throw NodeStartError.failed(part: "control-socket \(socketPath)", reason: error.message)
            }
        }
        if let port = options.httpPort ?? configuration.httpManagement?.port {
            let host = configuration.httpManagement?.address.description ?? "127.0.0.1"
            do {
                let access = HTTPAccess(rules: configuration.httpAccess.map {
                    HTTPAccess.Rule($0.clients, $0.level)
                }, tokens: try Self.httpTokens(context))
                http = try await ManagementHTTPServer.start(host: host, port: port, access: access, service: context.controlService,
                                                            allowNonLoopback: configuration.httpManagement != nil, group: group)
                context.log("http-mgmt-port \(host):\(http?.port ?? port)")
            } catch {
                throw NodeStartError.failed(part: "http-mgmt-port \(host):\(port)", reason: error.message)
            }
        }
    }

    /// The HTTP API's bearer tokens and their roles from ``NodeOptions/httpTokenFile``
    /// (`ID SECRET [admin|monitor]` per line; see ``HTTPAccess/parseTokens(_:file:)``).
    static func httpTokens(_ context: Context) throws(ControlError) -> [String: HTTPAccess.Token] {
        let path = context.options.httpTokenFile ?? context.spoolDirectory + "/http-tokens"
        guard let data = FileManager.default.contents(atPath: path) else {
            if context.options.httpTokenFile != nil { throw ControlError(.usage, "cannot read token file \(path)") }
            context.log("http-mgmt-port: no token file at \(path): every request will be refused")
            return [:]
        }
        return try HTTPAccess.parseTokens(String(decoding: data, as: UTF8.self), file: path)
    }
}
