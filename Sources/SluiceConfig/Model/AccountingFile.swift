/// A kind of accounting record.
public enum AccountingRecordType: String, Hashable, Sendable, CaseIterable, Comparable {
    /// `d`: delivered.
    case delivered = "d"
    /// `b`: bounced.
    case bounced = "b"
    /// `t`: transient failure of one recipient.
    case transient = "t"
    /// `tq`: transient failure at queue level.
    case transientQueue = "tq"
    /// `f`: feedback-loop complaint.
    case feedback = "f"
    /// `r`: received.
    case received = "r"
    /// `rb`: remote bounce, a failure the remote side reported later in an inbound DSN.
    case remoteBounce = "rb"
    /// `rs`: remote status, a status other than failure (delayed, delivered, relayed, expanded)
    /// reported by an inbound DSN.
    case remoteStatus = "rs"

    /// Parses the short code (`d`) or a long name (`delivered`, `delivery`, `bounces`, `feedback`,
    /// `remote-bounce`, …).
    public init(parsing text: String) throws(ValueError) {
        let long: [String: AccountingRecordType] = [
            "delivered": .delivered, "delivery": .delivered, "deliveries": .delivered,
            "bounce": .bounced, "bounces": .bounced, "bounced": .bounced,
            "transient": .transient, "transients": .transient,
            "transient-queue": .transientQueue,
            "feedback": .feedback, "fbl": .feedback,
            "received": .received, "receipt": .received,
            "remote-bounce": .remoteBounce, "remote-bounces": .remoteBounce,
            "remote-status": .remoteStatus,
        ]
        let key = text.lowercased()
        guard let type = AccountingRecordType(rawValue: key) ?? long[key] else {
            throw ValueError(expected: "record types such as d,b,t,tq,f,r,rb,rs (or delivered, bounces, feedback, remote-bounce)",
                             found: text)
        }
        self = type
    }

    /// Orders record types as PowerMTA lists them: d, b, t, tq, f, r, rb, rs.
    public static func < (a: AccountingRecordType, b: AccountingRecordType) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// Where an `<acct-file>` block sends its records.
public enum AccountingTarget: Hashable, Sendable, CustomStringConvertible {
    /// `<acct-file /var/log/sluice/acct.csv>`: a CSV file, rotated by the block's settings.
    case file(String)
    /// `<acct-file |/usr/local/bin/program --option value>`: a program kept running that reads the
    /// CSV rows on its standard input. `program` is an absolute path; `arguments` are the words
    /// after it (split on spaces and tabs, quotes as elsewhere in the file; no shell).
    case pipe(program: String, arguments: [String])

    /// The target as written in the tag: the file path, or `|program arguments…`.
    public var description: String {
        switch self {
        case .file(let path): return path
        case .pipe(let program, let arguments): return "|" + ([program] + arguments).joined(separator: " ")
        }
    }
}

/// An `<acct-file PATH>` or `<acct-file |PROGRAM ARGS…>` block: where accounting records are written.
public struct AccountingFile: Hashable, Sendable {
    /// The file, or the program records are piped to.
    public var target: AccountingTarget
    /// The CSV file path for a file target; for a pipe, the tag as written (`|program arguments…`),
    /// for messages. Setting it makes the target that file.
    public var path: String {
        get { target.description }
        set { target = .file(newValue) }
    }
    /// Whether records go to a program rather than a file.
    public var isPipe: Bool {
        if case .pipe = target { return true }
        return false
    }
    /// `records` [all]: which record types go into this file.
    public var records: Set<AccountingRecordType> = Set(AccountingRecordType.allCases)
    /// `record-fields TYPE …` [none: each type's own fields]: the columns of the record types
    /// that have a line, in file order, at most one per type.
    public var recordFields: [AccountingRecordFields] = []
    /// `world-readable` [no]: a new file gets mode 0644 instead of 0640 (files only).
    public var worldReadable = false
    /// `iso-times` [no]: times print as ISO 8601 (`2026-11-23T15:04:05Z`) instead of PowerMTA's
    /// `2026-11-23 15:04:05+0000`.
    public var isoTimes = false
    /// `max-size` [none]: rotate when the file grows past this size (files only).
    public var maxSize: ByteSize?
    /// `move-interval` [none]: rotate at this interval (files only).
    public var moveInterval: TimeSpan?
    /// `move-to` [none]: the directory rotated files are moved to (files only).
    public var moveTo: String?
    /// `delete-after` [never]: delete rotated files older than this (files only).
    public var deleteAfter: Expiry = .never
    /// Where the block opens.
    public var location: SourceLocation

    /// The headers (lowercased) whose values the file records, from its `header_NAME` columns.
    public var headerNames: Set<String> {
        Set(recordFields.filter { records.contains($0.type) }.flatMap(\.columns).compactMap(\.headerKey))
    }

    /// Creates an accounting file recording everything, never rotated.
    public init(path: String, location: SourceLocation) {
        self.init(target: .file(path), location: location)
    }

    /// Creates an accounting file or pipe recording everything, never rotated.
    public init(target: AccountingTarget, location: SourceLocation) {
        self.target = target
        self.location = location
    }
}
