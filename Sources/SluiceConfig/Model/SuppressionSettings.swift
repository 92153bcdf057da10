/// The `<suppression>` block (a Sluice extension, not PowerMTA's): the suppression list — addresses
/// the node refuses or drops at injection — and which bounces and complaints add to it.
///
/// On by default, with PowerMTA operators' usual policy: hard bounces (bad-mailbox, bad-domain,
/// inactive-mailbox) and complaints suppress the address for every sender, and injection to a
/// suppressed address is refused with `550 5.7.1` at RCPT.
public struct SuppressionSettings: Hashable, Sendable {
    /// What the listener does with a suppressed recipient.
    public enum Action: String, Hashable, Sendable, CaseIterable {
        /// `550 5.7.1` at RCPT (job-scoped entries, known only after DATA, are dropped as for `drop`).
        case reject
        /// Accepted at RCPT, then dropped before the message is stored, with a `b` record of
        /// category `suppressed`.
        case drop
    }

    /// The scope of the entries the node adds by itself (from bounces and complaints).
    public enum Scope: String, Hashable, Sendable, CaseIterable {
        /// Every message.
        case global
        /// Messages from the bounced message's sender domain.
        case senderDomain = "sender-domain"
        /// Messages of the bounced message's job (X-Job); global for a message without one.
        case job
    }

    /// `enabled` [yes]: no turns the list off (nothing checked, nothing added).
    public var enabled = true
    /// `database` [`suppression.sqlite` in the spool directory]: the SQLite file; a relative path
    /// is taken from the spool directory.
    public var database: String?
    /// `action` [reject].
    public var action = Action.reject
    /// `scope` [global].
    public var scope = Scope.global
    /// `suppress-categories` [bad-mailbox,bad-domain,inactive-mailbox]: the bounce categories whose
    /// `b` records suppress the recipient (`none`: no bounce does).
    public var suppressCategories: [BounceCategory] = [.badMailbox, .badDomain, .inactiveMailbox]
    /// `suppress-complaints` [yes]: complaints (feedback-loop reports) suppress the complaining address.
    public var suppressComplaints = true
    /// Where the block opens; nil without one.
    public var location: SourceLocation?

    /// The defaults.
    public init() {}

    /// The database file for a node whose spool is `spoolDirectory`.
    public func databasePath(spoolDirectory: String) -> String {
        guard let database, !database.isEmpty else { return spoolDirectory + "/suppression.sqlite" }
        return database.hasPrefix("/") ? database : spoolDirectory + "/" + database
    }
}
