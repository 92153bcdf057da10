import Dispatch
import Foundation
import SluiceConfig
import SluiceCore
import SluiceSQLite
import Synchronization

/// The messages the node took for delivery over the last ``retention``, in SQLite
/// (`sent-messages.sqlite` in the spool directory), by `Message-ID`, by ENVID and by recipient:
/// how an inbound bounce or complaint that names the original's `Message-ID`, its ENVID or (with
/// VERP) its recipient is tied to the job and virtual MTA of the mail it is about.
///
/// The listeners only append to a list in memory (``add(_:)``): a background queue writes the
/// list in one transaction a moment later, so storing a message never waits for this file. A
/// lookup writes what is still in memory first. Losing the last moment of additions in a crash
/// costs at most the attribution of reports about those messages (they are kept as unparsed).
final class SentMessageIndex: Sendable {
    /// How long a message is remembered: reports arrive within days; feedback loops within weeks.
    static let defaultRetention = TimeSpan.days(30)
    /// How long additions wait in memory before they are written together.
    static let writeDelay = DispatchTimeInterval.milliseconds(200)

    private struct Pending {
        var messages: [SentMessage] = []
        var writeScheduled = false
        var lastPrune: Instant?
    }

    private let database: SQLiteDatabase
    private let pending = Mutex(Pending())
    private let queue = DispatchQueue(label: "sluice.sent-messages")
    private let retention: TimeSpan
    private let clock: any Clock
    private let log: @Sendable (String) -> Void

    /// The file.
    var path: String { database.path }

    /// Opens (creating) the index at `path`.
    init(path: String, retention: TimeSpan = SentMessageIndex.defaultRetention, clock: any Clock,
         log: @escaping @Sendable (String) -> Void) throws(SQLiteError) {
        database = try SQLiteDatabase(path: path)
        self.retention = retention
        self.clock = clock
        self.log = log
        do {
            try database.withConnection { connection in
                for statement in Schema.create { try connection.execute(statement) }
            }
        } catch let error as SQLiteError { throw error } catch {
            throw SQLiteError(code: 1, message: "\(error)", context: path)
        }
    }

    /// Remembers `message`; written in the background shortly after.
    func add(_ message: SentMessage) {
        let schedule = pending.withLock { state -> Bool in
            state.messages.append(message)
            defer { state.writeScheduled = true }
            return !state.writeScheduled
        }
        if schedule { queue.asyncAfter(deadline: .now() + Self.writeDelay) { [self] in writePending() } }
    }

    /// Writes what waits in memory (and, once an hour, forgets messages older than the retention).
    func writePending() {
        let (batch, prune) = pending.withLock { state -> ([SentMessage], Bool) in
            defer { state.messages = []; state.writeScheduled = false }
            let now = clock.now()
            let prune = state.lastPrune.map { now - $0 >= .seconds(3600) } ?? true
            if prune { state.lastPrune = now }
            return (state.messages, prune)
        }
        do {
            try database.withConnection { connection in
                try connection.transaction {
                    let insert = try connection.cached(Schema.insert)
                    let insertRecipient = try connection.cached(Schema.insertRecipient)
                    for message in batch {
                        try Schema.bind(message, to: insert)
                        try insert.run()
                        let row = connection.lastInsertedRowID
                        for recipient in message.recipients {
                            try insertRecipient.bind(1, row)
                            try insertRecipient.bind(2, recipient)
                            try insertRecipient.run()
                        }
                    }
                    if prune {
                        let cutoff = try connection.cached(Schema.pruneRecipients)
                        try cutoff.bind(1, (clock.now() - retention).milliseconds)
                        try cutoff.run()
                        let old = try connection.cached(Schema.prune)
                        try old.bind(1, (clock.now() - retention).milliseconds)
                        try old.run()
                    }
                }
            }
        } catch {
            log("inbound-reports: \(batch.count) sent message(s) not written to \(path), so reports about them "
                + "cannot be attributed: \(error)")
        }
    }

    /// The newest remembered message with `Message-ID` `messageID` (without angle brackets), else
    /// with ENVID `envelopeID`; nil when neither is known.
    func find(messageID: String?, envelopeID: String?) -> SentMessage? {
        flushNow()
        let keys = [(Schema.byEnvelopeID, envelopeID), (Schema.byMessageID, messageID)]
        for (sql, key) in keys {
            guard let key, !key.isEmpty else { continue }
            if let found = query(sql, key, sender: nil) { return found }
        }
        return nil
    }

    /// The newest remembered message to `recipient` (from `sender`, any case, when given).
    func find(recipient: String, sender: String?) -> SentMessage? {
        flushNow()
        return query(Schema.byRecipient, recipient.lowercased(), sender: sender?.lowercased())
    }

    /// Writes what waits in memory on the background queue and waits for it.
    func flushNow() {
        queue.sync { writePending() }
    }

    private func query(_ sql: String, _ key: String, sender: String?) -> SentMessage? {
        do {
            return try database.withConnection { connection -> SentMessage? in
                let statement = try connection.cached(sql)
                defer { statement.reset() }
                try statement.bind(1, key)
                var found: (row: Int64, message: SentMessage)?
                while try statement.step() {
                    let candidate = Schema.message(statement)
                    if let sender, candidate.message.sender.lowercased() != sender { continue }
                    found = candidate
                    break
                }
                statement.reset()
                guard case (let row, var message)? = found else { return nil }
                let recipients = try connection.cached(Schema.recipients)
                defer { recipients.reset() }
                try recipients.bind(1, row)
                while try recipients.step() { message.recipients.append(recipients.text(0)) }
                return message
            }
        } catch {
            log("inbound-reports: lookup in \(path) failed: \(error)")
            return nil
        }
    }

    /// The tables and statements.
    private enum Schema {
        static let create = [
            """
            CREATE TABLE IF NOT EXISTS sent (
                id INTEGER PRIMARY KEY, spool_id INTEGER NOT NULL, message_id TEXT NOT NULL,
                envelope_id TEXT NOT NULL, sender TEXT NOT NULL, job_id TEXT NOT NULL, vmta TEXT NOT NULL,
                received_ms INTEGER NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS sent_message_id ON sent (message_id) WHERE message_id <> ''",
            "CREATE INDEX IF NOT EXISTS sent_envelope_id ON sent (envelope_id) WHERE envelope_id <> ''",
            "CREATE INDEX IF NOT EXISTS sent_received ON sent (received_ms)",
            "CREATE TABLE IF NOT EXISTS sent_recipient (sent_id INTEGER NOT NULL, address TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS sent_recipient_address ON sent_recipient (address)",
            "CREATE INDEX IF NOT EXISTS sent_recipient_sent ON sent_recipient (sent_id)",
        ]
        static let columns = "id, spool_id, message_id, envelope_id, sender, job_id, vmta, received_ms"
        static let insert = """
            INSERT INTO sent (spool_id, message_id, envelope_id, sender, job_id, vmta, received_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        static let insertRecipient = "INSERT INTO sent_recipient (sent_id, address) VALUES (?, ?)"
        static let byMessageID = "SELECT \(columns) FROM sent WHERE message_id = ? ORDER BY id DESC LIMIT 1"
        static let byEnvelopeID = "SELECT \(columns) FROM sent WHERE envelope_id = ? ORDER BY id DESC LIMIT 1"
        static let byRecipient = """
            SELECT \(columns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM sent_recipient r JOIN sent s ON s.id = r.sent_id WHERE r.address = ? ORDER BY s.id DESC LIMIT 100
            """
        static let recipients = "SELECT address FROM sent_recipient WHERE sent_id = ? ORDER BY rowid"
        static let pruneRecipients = """
            DELETE FROM sent_recipient WHERE sent_id IN (SELECT id FROM sent WHERE received_ms < ?)
            """
        static let prune = "DELETE FROM sent WHERE received_ms < ?"

        static func bind(_ message: SentMessage, to statement: SQLiteStatement) throws(SQLiteError) {
            try statement.bind(1, Int64(bitPattern: message.id.raw))
            try statement.bind(2, message.messageID)
            try statement.bind(3, message.envelopeID)
            try statement.bind(4, message.sender)
            try statement.bind(5, message.jobID)
            try statement.bind(6, message.vmta)
            try statement.bind(7, message.receivedAt.milliseconds)
        }

        /// The row id and message (without its recipients) in a statement selecting ``columns``.
        static func message(_ statement: SQLiteStatement) -> (row: Int64, message: SentMessage) {
            (statement.int64(0),
             SentMessage(id: MessageID(UInt64(bitPattern: statement.int64(1))), messageID: statement.text(2),
                         envelopeID: statement.text(3), sender: statement.text(4), recipients: [],
                         jobID: statement.text(5), vmta: statement.text(6),
                         receivedAt: Instant(milliseconds: statement.int64(7))))
        }
    }
}
