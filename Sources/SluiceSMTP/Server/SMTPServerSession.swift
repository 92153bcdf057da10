import Foundation
import NIOCore
import SluiceConfig
import SluiceBase

/// The injection server's view of one client connection as a pure state machine: bytes, timer
/// expiries and the results of message storage go in, replies and actions come out. No I/O;
/// the current time is an argument. The NIO handler performs the actions.
public struct SMTPServerSession: Sendable {
    /// Something the connection must do.
    public enum Action: Sendable {
        /// Send this reply.
        case send(SMTPReply)
        /// Hand this message to the ``MessageReceiver`` and call ``deliveryFinished(_:now:)``.
        case deliver(ReceivedMessage)
        /// Start the TLS handshake (the 220 has been sent) and call ``tlsEstablished()``.
        case startTLS
        /// Close the connection (after sending what came before).
        case close
    }

    /// Which session timer fired.
    public enum Timeout: Sendable {
        /// No input for the idle timeout.
        case idle
        /// The total session time is used up.
        case session
        /// A command line was not complete within the command timeout.
        case command
        /// Message content arrived slower than the minimum data rate.
        case dataRate
    }

    private enum Mode: Sendable {
        case command
        /// Reading message content into ``SMTPServerSession/dataReceiver`` (kept outside the enum so
        /// that appending to it never copies what is already buffered).
        case data
        case authPlain
        case authLoginUser
        case authLoginPassword(user: String)
        case awaitingDelivery
        case awaitingTLS
        case closed
    }

    private struct Transaction: Sendable {
        var sender: String
        var parameters: MailParameters
        var recipients: [ReceivedRecipient] = []
    }

    /// The server's settings.
    public let configuration: SMTPServerConfiguration
    /// The rules for this client: its address's, or after AUTH those the user brings (see
    /// ``SMTPServerConfiguration/authenticatedPolicy``).
    public private(set) var policy: SourcePolicy
    /// The policy of the client's address, restored when STARTTLS starts the session afresh.
    private let connectionPolicy: SourcePolicy
    /// The client's address.
    public let clientAddress: IPAddress
    /// The address the client connected to, when known.
    public let serverAddress: IPAddress?
    /// Whether the server can offer STARTTLS.
    public let tlsAvailable: Bool
    /// A number distinguishing this session in generated ids.
    public let sessionNumber: UInt64

    private var mode: Mode = .command
    /// The content being read in `.data` mode.
    private var dataReceiver: DataReceiver?
    private var input = ByteBuffer()
    private var lineFramer: SMTPLineFramer
    private var heloName: String?
    private var extended = false
    private var transaction: Transaction?
    private var transactions = 0
    private var errors = 0
    private var authFailures = 0
    /// True once STARTTLS has completed.
    public private(set) var tlsActive = false
    /// The authenticated user, if any.
    public private(set) var authenticatedUser: String?
    /// How many times message content moved to new storage while this session read it (see
    /// ``DataReceiver/storageMoves``), over all its messages.
    public private(set) var contentStorageMoves = 0
    /// Set by the connection while the memory for messages in flight is used up: DATA gets
    /// `452 4.3.1` instead of `354`.
    public var memoryExhausted = false

    /// Creates a session for a client that has just connected; `tlsActive` for a connection
    /// that is TLS from its first byte (implicit TLS, SMTPS).
    public init(configuration: SMTPServerConfiguration, policy: SourcePolicy, clientAddress: IPAddress,
                tlsAvailable: Bool = false, sessionNumber: UInt64 = 0, serverAddress: IPAddress? = nil,
                tlsActive: Bool = false) {
        self.configuration = configuration
        self.policy = policy
        self.connectionPolicy = policy
        self.tlsActive = tlsActive
        self.clientAddress = clientAddress
        self.serverAddress = serverAddress
        self.tlsAvailable = tlsAvailable
        self.sessionNumber = sessionNumber
        self.lineFramer = SMTPLineFramer(maximumLength: configuration.maximumCommandLineLength)
    }

    /// The message size limit for this client.
    public var maximumMessageSize: Int {
        min(policy.maxMessageSize ?? configuration.maximumMessageSize, configuration.messageSizeCeiling)
    }

    /// Content bytes of the message being read that are held in memory (0 outside DATA, and 0
    /// once a message is known to be refused: its content is then discarded as it arrives).
    public var bufferedContentBytes: Int { dataReceiver?.heldBytes ?? 0 }

    /// True while part of a command line has arrived and its end has not (the command timeout
    /// runs).
    public var readingCommandLine: Bool {
        switch mode {
        case .command, .authPlain, .authLoginUser, .authLoginPassword:
            return lineFramer.isDiscardingLongLine || input.readableBytes > 0
        default:
            return false
        }
    }

    /// True while the session reads message content.
    public var isReadingData: Bool { if case .data = mode { return true } else { return false } }

    /// Refuses the message being read with `452 4.3.1` once it has been read to its end, and
    /// discards its content from now on (the memory for messages in flight is used up).
    public mutating func refuseMessageForMemory() {
        dataReceiver?.refuse(.insufficientStorage)
    }

    /// True when the session is closed; no further input is read.
    public var isClosed: Bool { if case .closed = mode { return true } else { return false } }

    /// True when the connection should read more input: not closed and not holding a full buffer
    /// of pipelined input while a message is being stored.
    public var wantsInput: Bool {
        switch mode {
        case .closed: return false
        case .awaitingDelivery, .awaitingTLS: return input.readableBytes < configuration.maximumBufferedInput
        default: return true
        }
    }

    /// The greeting: `220 host ESMTP`, or `554 5.7.1` and close for a source without SMTP service.
    public mutating func start() -> [Action] {
        guard policy.smtpService else {
            mode = .closed
            return [.send(SMTPReply(554, "5.7.1", "\(configuration.hostName) Service not available to \(clientAddress)")), .close]
        }
        return [.send(SMTPReply(220, nil, "\(configuration.hostName) ESMTP Sluice"))]
    }

    /// Consumes bytes from the client and returns what to do.
    public mutating func receive(_ bytes: ByteBuffer, now: Instant) -> [Action] {
        guard !isClosed else { return [] }
        var bytes = bytes
        input.writeBuffer(&bytes)
        return processInput(now: now)
    }

    /// Reports the ``MessageReceiver``'s answer for the message of the last `.deliver` action.
    public mutating func deliveryFinished(_ result: ReceiveResult, now: Instant) -> [Action] {
        guard case .awaitingDelivery = mode else { return [] }
        mode = .command
        transaction = nil
        var actions: [Action]
        switch result {
        case .accepted(let id):
            actions = [.send(SMTPReply(250, "2.0.0", "Ok: queued as \(id)"))]
        case .discarded(let reply):
            actions = [.send(reply)]
        case .temporaryFailure(let reply):
            // The server's own condition (storage, memory), not the client's mistake: it does
            // not count towards the error limit, so a client can retry on the same session.
            actions = [.send(reply)]
        case .permanentFailure(let reply):
            actions = [.send(reply)]
            actions += countError()
        }
        if !isClosed { actions += processInput(now: now) }
        return actions
    }

    /// Reports a completed TLS handshake: the session starts afresh (RFC 3207 §4.2), forgetting
    /// an authentication made before it.
    public mutating func tlsEstablished() -> [Action] {
        guard case .awaitingTLS = mode else { return [] }
        input.clear()
        tlsActive = true
        heloName = nil
        extended = false
        transaction = nil
        authenticatedUser = nil
        policy = connectionPolicy
        mode = .command
        return []
    }

    /// Reports that a timer fired: `421 4.4.2` and close.
    public mutating func timedOut(_ timeout: Timeout) -> [Action] {
        guard !isClosed else { return [] }
        mode = .closed
        let text: String
        switch timeout {
        case .idle: text = "Idle timeout, closing connection"
        case .session: text = "Session time limit exceeded, closing connection"
        case .command: text = "Command not completed in time, closing connection"
        case .dataRate: text = "Message data arriving too slowly, closing connection"
        }
        return [.send(SMTPReply(421, "4.4.2", "\(configuration.hostName) \(text)")), .close]
    }

    /// Reports that the client went away; a message being read is dropped.
    public mutating func connectionClosed() {
        mode = .closed
        transaction = nil
        dataReceiver = nil
        input.clear()
    }

    // MARK: - Input framing

    private mutating func processInput(now: Instant) -> [Action] {
        var actions: [Action] = []
        loop: while true {
            switch mode {
            case .closed, .awaitingDelivery, .awaitingTLS:
                break loop
            case .data:
                // Mutated in place: a copy here would copy the whole message on every read.
                guard let outcome = dataReceiver?.consume(&input) else { break loop }
                contentStorageMoves += dataReceiver?.storageMoves ?? 0
                dataReceiver = nil
                actions += endOfData(outcome, now: now)
            case .command, .authPlain, .authLoginUser, .authLoginPassword:
                guard let line = lineFramer.next(from: &input) else { break loop }
                switch line {
                case .tooLong:
                    // An overlong line also ends an AUTH exchange in progress.
                    mode = .command
                    actions.append(.send(SMTPReply(500, "5.5.2", "Line too long")))
                    actions += countError()
                case .line(let text):
                    actions += handle(line: text, now: now)
                }
            }
        }
        if input.readerIndex > 4096 { input.discardReadBytes() }
        return actions
    }

    // MARK: - Commands

    private mutating func handle(line: String, now: Instant) -> [Action] {
        switch mode {
        case .authPlain:
            mode = .command
            return authPlain(response: line)
        case .authLoginUser:
            if line == "*" { mode = .command; return [.send(SMTPReply(501, "5.7.0", "Authentication cancelled"))] + countError() }
            guard let user = decodeBase64(line) else {
                mode = .command
                return [.send(SMTPReply(501, "5.5.2", "Invalid base64 data"))] + countError()
            }
            mode = .authLoginPassword(user: user)
            return [.send(SMTPReply(334, nil, "UGFzc3dvcmQ6"))]
        case .authLoginPassword(let user):
            mode = .command
            if line == "*" { return [.send(SMTPReply(501, "5.7.0", "Authentication cancelled"))] + countError() }
            guard let password = decodeBase64(line) else {
                return [.send(SMTPReply(501, "5.5.2", "Invalid base64 data"))] + countError()
            }
            return finishAuth(user: user, password: password)
        default:
            break
        }
        switch SMTPCommandParser.parse(line) {
        case .failure(let reply):
            return [.send(reply)] + countError()
        case .success(let command):
            return handle(command, now: now)
        }
    }

    private mutating func handle(_ command: SMTPCommand, now: Instant) -> [Action] {
        switch command {
        case .helo(let name):
            heloName = name
            extended = false
            transaction = nil
            return [.send(SMTPReply(250, nil, configuration.hostName))]
        case .ehlo(let name):
            heloName = name
            extended = true
            transaction = nil
            var lines = [configuration.hostName, "PIPELINING", "SIZE \(maximumMessageSize)", "8BITMIME",
                         "ENHANCEDSTATUSCODES", "DSN"]
            if startTLSOffered { lines.append("STARTTLS") }
            if authOffered { lines.append("AUTH PLAIN LOGIN") }
            return [.send(SMTPReply(code: 250, lines: lines))]
        case .mail(let from, let parameters):
            guard heloName != nil else { return error(503, "5.5.1", "Send HELO/EHLO first") }
            guard transaction == nil else { return error(503, "5.5.1", "Nested MAIL command") }
            if policy.requireAuth && authenticatedUser == nil {
                return error(530, "5.7.0", "Authentication required")
            }
            if let size = parameters.size, size > maximumMessageSize {
                return error(552, "5.3.4", "Message size exceeds fixed maximum message size")
            }
            // `rewrite-list`: everything after MAIL (pattern-list, the spool, accounting) sees the
            // rewritten sender.
            transaction = Transaction(sender: policy.rewriting.sender(from), parameters: parameters)
            return [.send(SMTPReply(250, "2.1.0", "Ok"))]
        case .rcpt(let to, let parameters):
            guard transaction != nil else { return error(503, "5.5.1", "Need MAIL command") }
            if transaction?.recipients.count ?? 0 >= policy.maxRecipients ?? configuration.maximumRecipients {
                return [.send(SMTPReply(452, "4.5.3", "Too many recipients"))]
            }
            if to.lowercased() == "postmaster" {
                // RFC 5321 4.5.1: the bare postmaster is always accepted, whatever the relaying
                // rights, and goes to the configured postmaster address.
                var parameters = parameters
                if parameters.originalRecipient == nil { parameters.originalRecipient = "rfc822;\(to)" }
                transaction?.recipients.append(ReceivedRecipient(address: configuration.postmasterAddress,
                                                                 parameters: parameters))
                return [.send(SMTPReply(250, "2.1.5", "Ok"))]
            }
            let relayingAllowed = policy.mayAccept(recipient: to, authenticated: authenticatedUser != nil)
            let disposition = configuration.recipientDisposition?(to, transaction?.sender ?? "", relayingAllowed) ?? .ordinary
            if disposition != .local {
                guard relayingAllowed else { return error(550, "5.7.1", "Relaying denied") }
                if case .refuse(let reply) = disposition { return [.send(reply)] }
            }
            transaction?.recipients.append(ReceivedRecipient(address: to, parameters: parameters))
            return [.send(SMTPReply(250, "2.1.5", "Ok"))]
        case .data:
            guard let transaction else { return error(503, "5.5.1", "Need MAIL command") }
            guard !transaction.recipients.isEmpty else { return error(554, "5.5.1", "No valid recipients") }
            guard !memoryExhausted else {
                return [.send(SMTPReply(452, "4.3.1", "Insufficient system storage, try again later"))]
            }
            dataReceiver = DataReceiver(maximumSize: maximumMessageSize)
            mode = .data
            return [.send(SMTPReply(354, nil, "End data with <CR><LF>.<CR><LF>"))]
        case .rset:
            transaction = nil
            return [.send(SMTPReply(250, "2.0.0", "Ok"))]
        case .noop:
            return [.send(SMTPReply(250, "2.0.0", "Ok"))]
        case .quit:
            mode = .closed
            return [.send(SMTPReply(221, "2.0.0", "Bye")), .close]
        case .vrfy:
            return [.send(SMTPReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"))]
        case .help:
            return [.send(SMTPReply(214, "2.0.0", "See RFC 5321"))]
        case .startTLS:
            guard !tlsActive else { return error(503, "5.5.1", "TLS already active") }
            guard startTLSOffered else { return error(502, "5.5.1", "STARTTLS not available") }
            // RFC 3207 §6: anything pipelined after STARTTLS must not be carried into TLS.
            input.clear()
            mode = .awaitingTLS
            return [.send(SMTPReply(220, "2.0.0", "Ready to start TLS")), .startTLS]
        case .auth(let mechanism, let initial):
            guard configuration.authenticator != nil else { return error(502, "5.5.1", "AUTH not available") }
            guard heloName != nil, extended else { return error(503, "5.5.1", "Send EHLO first") }
            guard authenticatedUser == nil else { return error(503, "5.5.1", "Already authenticated") }
            guard transaction == nil else { return error(503, "5.5.1", "AUTH not allowed during a mail transaction") }
            guard authOffered else { return error(538, "5.7.11", "Encryption required for requested authentication mechanism") }
            switch mechanism {
            case "PLAIN":
                guard let initial else {
                    mode = .authPlain
                    return [.send(SMTPReply(334, nil, ""))]
                }
                return authPlain(response: initial)
            case "LOGIN":
                guard let initial else {
                    mode = .authLoginUser
                    return [.send(SMTPReply(334, nil, "VXNlcm5hbWU6"))]
                }
                guard let user = decodeBase64(initial) else { return error(501, "5.5.2", "Invalid base64 data") }
                mode = .authLoginPassword(user: user)
                return [.send(SMTPReply(334, nil, "UGFzc3dvcmQ6"))]
            default:
                return error(504, "5.5.4", "Unrecognized authentication type")
            }
        }
    }

    private var startTLSOffered: Bool { tlsAvailable && !tlsActive && policy.allowStartTLS }

    private var authOffered: Bool {
        configuration.authenticator != nil && (tlsActive || policy.allowUnencryptedAuth)
    }

    // MARK: - AUTH

    private mutating func authPlain(response: String) -> [Action] {
        if response == "*" { return error(501, "5.7.0", "Authentication cancelled") }
        guard let data = Data(base64Encoded: response) else { return error(501, "5.5.2", "Invalid base64 data") }
        let parts = data.split(separator: 0, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return error(501, "5.5.2", "Invalid AUTH PLAIN response") }
        let user = String(decoding: parts[1], as: UTF8.self)
        let password = String(decoding: parts[2], as: UTF8.self)
        return finishAuth(user: user, password: password)
    }

    private mutating func finishAuth(user: String, password: String) -> [Action] {
        guard let authenticator = configuration.authenticator, !user.isEmpty, authenticator(user, password) else {
            authFailures += 1
            let refusal = SMTPReply(535, "5.7.8", "Authentication credentials invalid")
            guard authFailures >= configuration.maximumAuthFailures else { return [.send(refusal)] + countError() }
            mode = .closed
            return [.send(refusal),
                    .send(SMTPReply(421, "4.7.0", "\(configuration.hostName) Too many failed authentications, closing connection")),
                    .close]
        }
        authenticatedUser = user
        if let userPolicy = configuration.authenticatedPolicy?(user, clientAddress) { policy = userPolicy }
        return [.send(SMTPReply(235, "2.7.0", "Authentication successful"))]
    }

    private func decodeBase64(_ text: String) -> String? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - End of data

    private mutating func endOfData(_ outcome: DataReceiver.Outcome, now: Instant) -> [Action] {
        guard let current = transaction else { mode = .command; return [] }
        switch outcome {
        case .refused(let violation):
            mode = .command
            transaction = nil
            if violation == .insufficientStorage { return [.send(violation.reply)] }
            return [.send(violation.reply)] + countError()
        case .complete(let content):
            transactions += 1
            var headers = HeaderEditor(content: content)
            let jobID = !policy.processXJob ? nil
                : policy.retainXJob ? headers.first(named: policy.jobIDHeader)?.value
                : headers.remove(named: policy.jobIDHeader)
            if policy.removeReceivedHeaders { headers.remove(named: "Received") }
            for name in policy.removedHeaders { headers.remove(named: name) }
            if let from = headers.first(named: "From")?.value, let rewritten = policy.rewriting.headerFrom(from) {
                headers.replaceFirst(named: "From", value: rewritten)
            }
            let headerVMTA = !policy.processXVirtualMTA ? nil
                : policy.retainXVirtualMTA ? headers.first(named: "X-Virtual-MTA")?.value : headers.remove(named: "X-Virtual-MTA")
            let token = "\(String(UInt64(max(0, now.milliseconds)), radix: 36)).\(String(sessionNumber, radix: 36)).\(transactions)"
            if policy.addMessageIDHeader && headers.first(named: "Message-ID") == nil {
                headers.append(name: "Message-ID", value: "<\(token)@\(configuration.hostName)>")
            }
            if policy.addDateHeader && headers.first(named: "Date") == nil {
                headers.append(name: "Date", value: CivilTime(now).rfc5322Text)
            }
            if policy.addReceivedHeader {
                headers.prepend(name: "Received", value: receivedValue(current, token: token, now: now))
            }
            let recipients = current.recipients.map(\.address)
            var message = ReceivedMessage(
                clientAddress: clientAddress, heloName: heloName ?? "", authenticatedUser: authenticatedUser,
                sender: current.sender, mailParameters: current.parameters, recipients: current.recipients,
                virtualMTA: policy.virtualMTA(headerValue: headerVMTA, sender: current.sender, recipients: recipients),
                jobID: jobID, content: headers.content, receivedAt: now, serverAddress: serverAddress)
            message.dkimSign = policy.dkimSign
            message.suppressDSN = policy.suppressLocalDSN
            message.verp = policy.verpDefault || current.parameters.verp
            mode = .awaitingDelivery
            return [.deliver(message)]
        }
    }

    private func receivedValue(_ transaction: Transaction, token: String, now: Instant) -> String {
        let proto = (extended ? "E" : "") + "SMTP" + (tlsActive ? "S" : "") + (authenticatedUser != nil ? "A" : "")
        let from = policy.hideMessageSource ? "" : "from \(heloName ?? "unknown") ([\(clientAddress)])\r\n\t"
        var value = "\(from)by \(configuration.hostName) (Sluice) with \(proto) id \(token)"
        if transaction.recipients.count == 1 { value += "\r\n\tfor <\(transaction.recipients[0].address)>" }
        return value + "; \(CivilTime(now).rfc5322Text)"
    }

    // MARK: - Errors

    private mutating func error(_ code: Int, _ enhanced: String, _ text: String) -> [Action] {
        [.send(SMTPReply(code, enhanced, text))] + countError()
    }

    /// Counts an error reply; at the limit, `421 4.7.0` and close.
    private mutating func countError() -> [Action] {
        errors += 1
        guard errors >= configuration.maximumErrors else { return [] }
        mode = .closed
        return [.send(SMTPReply(421, "4.7.0", "\(configuration.hostName) Too many errors, closing connection")), .close]
    }
}
