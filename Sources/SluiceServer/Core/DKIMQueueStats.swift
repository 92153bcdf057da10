import SluiceControlProtocol
import SluiceCore

/// A queue's DKIM figures since start: messages signed, messages sent unsigned although their
/// settings asked for a signature, and the key that signed last.
public struct DKIMQueueStats: Hashable, Sendable {
    /// Messages signed.
    public var signed = 0
    /// Messages that should have been signed and were not (no key, no From domain).
    public var unsigned = 0
    /// The `SELECTOR._domainkey.DOMAIN` of the last signature, empty before one.
    public var lastKey = ""
    /// Why the last unsigned message went unsigned, empty before one.
    public var lastMissing = ""
}

extension NodeCore {
    /// Counts what signing did to `message` in each queue its recipients go to; an unsigned
    /// message also becomes a `dkim-unsigned` event (the console's Diagnostics tail).
    mutating func count(_ receipt: DKIMReceipt, of message: Message, now: Instant, into effects: inout [NodeEffect]) {
        guard receipt != .notRequested else { return }
        var queues: [QueueKey] = []
        for recipient in message.recipients {
            let domain = RollupResolver.recipientDomain(recipient)
            let key = QueueKey(domain: engine.queueName(forDomain: domain, vmta: message.vmta), vmta: message.vmta)
            if !queues.contains(key) { queues.append(key) }
        }
        for key in queues {
            switch receipt {
            case .notRequested: break
            case .signed(let names):
                dkimStats[key, default: DKIMQueueStats()].signed += 1
                dkimStats[key, default: DKIMQueueStats()].lastKey = names.joined(separator: ", ")
            case .unsigned(let why):
                dkimStats[key, default: DKIMQueueStats()].unsigned += 1
                dkimStats[key, default: DKIMQueueStats()].lastMissing = why
                let event = EventRecord(time: Double(now.milliseconds) / 1000, kind: "dkim-unsigned", queue: key.description,
                                        recipient: message.sender, code: 0, dsnDiag: "sent unsigned: \(why)", category: "")
                recent.append(event)
                effects.append(.publishEvent(event))
            }
        }
    }
}
