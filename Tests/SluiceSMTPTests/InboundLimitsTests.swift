import NIOCore
import NIOEmbedded
import SluiceConfig
import SluiceBase
import Synchronization
import Testing
@testable import SluiceSMTP

/// One ``SMTPServerHandler`` on a testing channel: what a client sends goes in, the replies come
/// out, and the event loop's time is moved by hand, so timers are tested without waiting.
struct HandlerHarness {
    let channel: NIOAsyncTestingChannel
    let receiver: CollectingReceiver

    static func connect(configuration: SMTPServerConfiguration = SMTPServerConfiguration(hostName: "mx.sluice.test"),
                        policy: SourcePolicy = SourcePolicy(allowRelaying: true),
                        gate: InboundGate = InboundGate(limits: InboundLimits()),
                        client: String = "192.0.2.7",
                        receiver: CollectingReceiver = CollectingReceiver()) async throws -> HandlerHarness {
        let table = SourcePolicyTable(entries: [], fallback: policy)
        let channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandler(
                SMTPServerHandler(configuration: configuration, policies: table, gate: gate, sessionNumber: 1,
                                  receiver: receiver, clock: WallClock(), startTLS: nil))
        }
        // A testing channel's remote address is where it "connected": the client's address here.
        try await channel.connect(to: SocketAddress(ipAddress: client, port: 40_000))
        return HandlerHarness(channel: channel, receiver: receiver)
    }

    /// Sends `text` as one read.
    func send(_ text: String) async throws {
        try await channel.writeInbound(ByteBuffer(string: text))
    }

    /// Sends `bytes` as reads of `chunk` bytes each, all on the event loop in one go.
    func send(_ bytes: [UInt8], chunk: Int) async throws {
        let channel = self.channel
        try await channel.testingEventLoop.executeInContext {
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                channel.pipeline.fireChannelRead(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
        }
    }

    /// The next reply line the server wrote, waiting for it (replies to stored messages come
    /// back from another task).
    func reply() async throws -> String {
        var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        return buffer.readString(length: buffer.readableBytes) ?? ""
    }

    /// Replies until one starts with `code ` (the last line of a multi-line reply).
    func reply(_ code: Int) async throws -> String {
        while true {
            let text = try await reply()
            if text.split(separator: "\r\n").last?.hasPrefix("\(code) ") == true { return text }
            if !text.hasPrefix("\(code)") { return text }
        }
    }

    /// Runs the greeting and a transaction up to the 354.
    func startData(to recipient: String = "someone@example.org") async throws {
        #expect(try await reply().hasPrefix("220 "))
        try await send("EHLO client.test\r\n")
        _ = try await reply(250)
        try await send("MAIL FROM:<sender@client.test>\r\nRCPT TO:<\(recipient)>\r\nDATA\r\n")
        #expect(try await reply().hasPrefix("250 "))
        #expect(try await reply().hasPrefix("250 "))
        #expect(try await reply().hasPrefix("354 "))
    }

    /// The handler's session, read on the event loop.
    func storageMoves() async throws -> Int {
        let channel = self.channel
        return try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.handler(type: SMTPServerHandler.self).session?.contentStorageMoves ?? -1
        }
    }

    func isActive() async throws -> Bool {
        let channel = self.channel
        return try await channel.testingEventLoop.executeInContext { channel.isActive }
    }
}

/// A message body of about `size` bytes in 998-byte lines, with the end-of-data mark.
func messageBody(size: Int) -> [UInt8] {
    let line = [UInt8](repeating: UInt8(ascii: "x"), count: 998) + [13, 10]
    var body = Array("Subject: large\r\n\r\n".utf8)
    body.reserveCapacity(size + line.count + 3)
    while body.count < size { body += line }
    return body + Array(".\r\n".utf8)
}

@Suite("Inbound limits: connections, message memory, slow clients, linear DATA")
struct InboundLimitsTests {
    @Test("A 30 MB message trickled in 100-byte reads moves in memory no more often than the same message sent at once")
    func trickledMessageIsLinear() async throws {
        let body = messageBody(size: 30 << 20)
        var moves: [Int] = []
        // A fast client's reads (64 KB), then a trickle.
        for chunk in [64 << 10, 100] {
            let harness = try await HandlerHarness.connect(configuration: SMTPServerConfiguration(
                hostName: "mx.sluice.test", maximumMessageSize: 64 << 20))
            try await harness.startData()
            try await harness.send(body, chunk: chunk)
            #expect(try await harness.reply().hasPrefix("250 2.0.0"))
            let stored = await harness.receiver.messages
            #expect(stored.count == 1)
            #expect(stored.first.map { $0.content.count >= 30 << 20 } == true)
            moves.append(try await harness.storageMoves())
        }
        // Amortised doubling moves a 30 MB buffer about log2(30 MB) = 25 times; a copy per read
        // (the defect) would be one per read: about 480 for the fast client, 315,000 trickled.
        #expect(moves[0] > 0 && moves[0] <= 40)
        #expect(moves[1] <= moves[0] + 4, "64 KB reads: \(moves[0]) moves, 100-byte reads: \(moves[1])")
    }

    @Test("Beyond the message memory, DATA gets 452 4.3.1; a message that would cross it is read, discarded and refused with 452 4.3.1; the session goes on")
    func messageMemoryBound() async throws {
        let gate = InboundGate(limits: InboundLimits(messageMemory: 1 << 20))
        let harness = try await HandlerHarness.connect(gate: gate)
        try await harness.startData()
        try await harness.send(messageBody(size: 2 << 20), chunk: 64 << 10)
        #expect(try await harness.reply().hasPrefix("452 4.3.1"))
        #expect(gate.statistics.messageBytes == 0)
        #expect(gate.statistics.refusedForMemory == 1)
        // A small message still fits.
        try await harness.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
        _ = try await harness.reply(250)
        _ = try await harness.reply(250)
        #expect(try await harness.reply().hasPrefix("354 "))
        try await harness.send("Subject: small\r\n\r\nhello\r\n.\r\n")
        #expect(try await harness.reply().hasPrefix("250 2.0.0"))
        #expect(await harness.receiver.messages.count == 1)
        #expect(gate.statistics.messageBytes == 0)
        // While other sessions hold all of it, DATA is refused before any content is read.
        #expect(gate.reserveMessageMemory(1 << 20))
        try await harness.send("MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
        _ = try await harness.reply(250)
        _ = try await harness.reply(250)
        #expect(try await harness.reply().hasPrefix("452 4.3.1"))
        gate.releaseMessageMemory(1 << 20)
    }

    @Test("A command line trickled past the command timeout gets 421 4.4.2 and the connection closes")
    func commandTimeout() async throws {
        let harness = try await HandlerHarness.connect()
        #expect(try await harness.reply().hasPrefix("220 "))
        try await harness.send("EHLO client.test\r\n")
        _ = try await harness.reply(250)
        // Complete commands never start the timer, however long the client thinks.
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(110))
        try await harness.send("NOOP\r\n")
        #expect(try await harness.reply().hasPrefix("250 "))
        try await harness.send("MAIL FROM:<sl")
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(60))
        try await harness.send("ow@lor")
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(60))
        #expect(try await harness.reply().hasPrefix("421 4.4.2"))
        #expect(try await harness.isActive() == false)
    }

    @Test("Message content slower than the minimum data rate gets 421 4.4.2; content at the rate is read on")
    func minimumDataRate() async throws {
        let harness = try await HandlerHarness.connect()
        try await harness.startData()
        // 256 bytes a second over 30-second windows: 8 KB a window keeps the session.
        for _ in 0..<3 {
            try await harness.send([UInt8](repeating: UInt8(ascii: "y"), count: 8 << 10), chunk: 1 << 10)
            await harness.channel.testingEventLoop.advanceTime(by: .seconds(30))
        }
        #expect(try await harness.isActive())
        try await harness.send("a trickle")
        await harness.channel.testingEventLoop.advanceTime(by: .seconds(30))
        #expect(try await harness.reply().hasPrefix("421 4.4.2"))
        #expect(try await harness.isActive() == false)
    }

    @Test("total-max-smtp-in, max-smtp-in and max-smtp-in-rate refuse with 421 4.3.2, count the refusals and give connections back")
    func connectionLimits() async throws {
        let total = InboundGate(limits: InboundLimits(totalConnections: 2))
        let first = try await HandlerHarness.connect(gate: total, client: "192.0.2.1")
        let second = try await HandlerHarness.connect(gate: total, client: "192.0.2.2")
        let third = try await HandlerHarness.connect(gate: total, client: "192.0.2.3")
        #expect(try await first.reply().hasPrefix("220 "))
        #expect(try await second.reply().hasPrefix("220 "))
        #expect(try await third.reply().hasPrefix("421 4.3.2"))
        #expect(try await third.isActive() == false)
        #expect(total.statistics.open == 2)
        #expect(total.statistics.refused[.totalConnections] == 1)
        try await first.channel.close()
        #expect(total.statistics.open == 1)
        let fourth = try await HandlerHarness.connect(gate: total, client: "192.0.2.4")
        #expect(try await fourth.reply().hasPrefix("220 "))

        let perAddress = InboundGate(limits: InboundLimits())
        let policy = SourcePolicy(allowRelaying: true, maxConnections: 1)
        let a = try await HandlerHarness.connect(policy: policy, gate: perAddress, client: "192.0.2.9")
        let b = try await HandlerHarness.connect(policy: policy, gate: perAddress, client: "192.0.2.9")
        let c = try await HandlerHarness.connect(policy: policy, gate: perAddress, client: "192.0.2.10")
        #expect(try await a.reply().hasPrefix("220 "))
        #expect(try await b.reply().hasPrefix("421 4.3.2"))
        let cReply = try await c.reply()
        #expect(cReply.hasPrefix("220 "), "\(cReply)")
        #expect(perAddress.statistics.refused[.connectionsPerAddress] == 1)

        let clock = VirtualClock(Instant(milliseconds: 1_000_000))
        let rated = InboundGate(limits: InboundLimits(), clock: clock)
        let ratePolicy = SourcePolicy(allowRelaying: true, connectionRate: .limited(count: 2, per: .minutes(1)))
        var replies: [String] = []
        for _ in 0..<3 {
            let h = try await HandlerHarness.connect(policy: ratePolicy, gate: rated, client: "192.0.2.20")
            replies.append(try await h.reply())
            try? await h.channel.close()
        }
        #expect(replies.map { String($0.prefix(3)) } == ["220", "220", "421"])
        clock.advance(by: .minutes(1))
        let later = try await HandlerHarness.connect(policy: ratePolicy, gate: rated, client: "192.0.2.20")
        #expect(try await later.reply().hasPrefix("220 "))
        #expect(rated.statistics.refused[.connectionRate] == 1)
    }

    @Test("the clients of a source group share its max-smtp-in; reserved-smtp-in keeps connections for the group")
    func sourceGroupLimits() throws {
        let gate = InboundGate(limits: InboundLimits())
        var bulk = SourcePolicy(maxConnections: 5)
        bulk.connectionGroup = SourcePolicy.ConnectionGroup(name: "bulk", maxConnections: 2)
        let outsider = SourcePolicy(maxConnections: 5)
        let a = try #require(IPAddress("192.0.2.1")), b = try #require(IPAddress("198.51.100.7"))
        let c = try #require(IPAddress("203.0.113.9")), d = try #require(IPAddress("192.0.2.200"))
        #expect(gate.admit(a, policy: bulk) == nil)
        #expect(gate.admit(b, policy: bulk) == nil)
        // Two addresses in different sources of the group took its two connections: a third
        // address is refused, though its own max-smtp-in allows more; a client outside is not.
        #expect(gate.admit(c, policy: bulk) == .connectionsPerGroup)
        #expect(gate.admit(d, policy: outsider) == nil)
        #expect(gate.openConnections(inGroup: "bulk") == 2)
        gate.release(a, group: "bulk")
        #expect(gate.openConnections(inGroup: "bulk") == 1)
        #expect(gate.admit(c, policy: bulk) == nil)
        #expect(gate.statistics.refused[.connectionsPerGroup] == 1)
        #expect(gate.statistics.open == 3)

        // total-max-smtp-in 4 with 2 reserved for "bulk": outsiders get 2, the group the rest.
        let reserving = InboundGate(limits: InboundLimits(totalConnections: 4, reservedConnections: ["bulk": 2]))
        var member = SourcePolicy()
        member.connectionGroup = SourcePolicy.ConnectionGroup(name: "bulk")
        let others = SourcePolicy()
        #expect(reserving.admit(a, policy: others) == nil)
        #expect(reserving.admit(b, policy: others) == nil)
        #expect(reserving.admit(c, policy: others) == .reservedForGroups)
        #expect(reserving.admit(d, policy: member) == nil)
        #expect(reserving.admit(d, policy: member) == nil)
        #expect(reserving.admit(d, policy: member) == .totalConnections)
        // An outsider leaving frees a connection anyone may take: the reserve is in use.
        reserving.release(a)
        #expect(reserving.admit(d, policy: member) == nil)
        reserving.release(b)
        #expect(reserving.admit(c, policy: others) == nil)
        #expect(reserving.statistics.refused[.reservedForGroups] == 1)
    }
}

@Suite("Handler: log-connections")
struct ConnectionLogTests {
    @Test("a log-connections source logs each connection and its end; others log nothing")
    func logsConnections() async throws {
        let lines = Mutex<[String]>([])
        let gate = InboundGate(limits: InboundLimits(), log: { line in lines.withLock { $0.append(line) } })
        let logged = try await HandlerHarness.connect(policy: SourcePolicy(allowRelaying: true, logConnections: true),
                                                      gate: gate, client: "192.0.2.44")
        #expect(try await logged.reply().hasPrefix("220 "))
        try await logged.channel.close()
        let quiet = try await HandlerHarness.connect(gate: gate, client: "192.0.2.45")
        #expect(try await quiet.reply().hasPrefix("220 "))
        try await quiet.channel.close()
        let all = lines.withLock { $0 }
        #expect(all.count == 2, "\(all)")
        #expect(all.first?.hasPrefix("smtp-in: connection 1 from 192.0.2.44 to ") == true)
        #expect(all.last == "smtp-in: connection 1 from 192.0.2.44 closed")
    }
}

@Suite("Handler: a refused message leaves the session open")
struct RefusedMessageTests {
    @Test("452 from storage, then RSET and another message")
    func sessionGoesOn() async throws {
        let receiver = CollectingReceiver()
        await receiver.answer(with: .temporaryFailure(SMTPReply(452, "4.3.1", "Insufficient system storage")))
        let harness = try await HandlerHarness.connect(receiver: receiver)
        try await harness.startData()
        try await harness.send("Subject: x\r\n\r\nhello\r\n.\r\n")
        #expect(try await harness.reply().hasPrefix("452 4.3.1"))
        try await harness.send("RSET\r\n")
        #expect(try await harness.reply().hasPrefix("250 "))
        #expect(try await harness.isActive())
    }
}
