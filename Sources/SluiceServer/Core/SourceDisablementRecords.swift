import SluiceControlProtocol
import SluiceCore

/// What the node writes when `disable-source-ip` disables a source address for a destination and
/// when the address is enabled again: a log line an operator can grep for, and an event
/// (`source-disabled`, `source-enabled`) for subscribers and the console's event tail. Pure.
enum SourceDisablementRecords {
    /// The log line and event of a newly disabled source.
    static func disabled(_ d: DisabledSource) -> [NodeEffect] {
        let line = "delivery: disabled source-ip \(d.sourceLabel) for \(d.destination) (queue \(d.queue)) "
            + "until \(d.until) by smtp-pattern-list \(d.patternList): \(d.reply)"
        let text = "source-ip \(d.sourceLabel) disabled for \(d.destination) until \(d.until.timeOfDayUTC): \(d.reply)"
        return [.log(line), .publishEvent(event("source-disabled", d, time: d.since, text: text))]
    }

    /// The log line and event of a source enabled again at `now`.
    static func enabled(_ d: DisabledSource, now: Instant) -> [NodeEffect] {
        let line = "delivery: enabled source-ip \(d.sourceLabel) for \(d.destination) (queue \(d.queue)) "
            + "again; disabled since \(d.since) by: \(d.reply)"
        let text = "source-ip \(d.sourceLabel) enabled again for \(d.destination); it was disabled by: \(d.reply)"
        return [.log(line), .publishEvent(event("source-enabled", d, time: now, text: text))]
    }

    /// The event: the queue, no recipient, the disabling reply's code, `text` as its diagnostic.
    static func event(_ kind: String, _ d: DisabledSource, time: Instant, text: String) -> EventRecord {
        EventRecord(time: Double(time.milliseconds) / 1000, kind: kind, queue: d.queue.description,
                    recipient: "", code: RecordMapping.replyCode(d.reply), dsnDiag: text, category: "")
    }
}
