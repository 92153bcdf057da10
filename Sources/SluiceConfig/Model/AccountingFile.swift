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

    /// Parses the short code (`d`) or a long name (`delivered`, `delivery`, `bounces`, `feedback`, …).
    public init(parsing text: String) throws(ValueError) {
        let long: [String: AccountingRecordType] = [
            "delivered": .delivered, "delivery": .delivered, "deliveries": .delivered,
            "bounce": .bounced, "bounces": .bounced, "bounced": .bounced,
            "transient": .transient, "transients": .transient,
            "transient-queue": .transientQueue,
            "feedback": .feedback, "fbl": .feedback,
            "received": .received, "receipt": .received,
        ]
        let key = text.lowercased()
        guard let type = AccountingRecordType(rawValue: key) ?? long[key] else {
            throw ValueError(expected: "record types such as d,b,t,tq,f,r (or delivered, bounces, feedback)",
                             found: text)
        }
        self = type
    }

    /// Orders record types as PowerMTA lists them: d, b, t, tq, f, r.
    public static func < (a: AccountingRecordType, b: AccountingRecordType) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// An `<acct-file PATH>` block: where accounting records are written.
public struct AccountingFile: Hashable, Sendable {
    /// The CSV file path.
    public var path: String
    /// `records` [all]: which record types go into this file.
    public var records: Set<AccountingRecordType> = Set(AccountingRecordType.allCases)
    /// `max-size` [none]: rotate when the file grows past this size.
    public var maxSize: ByteSize?
    /// `move-interval` [none]: rotate at this interval.
    public var moveInterval: TimeSpan?
    /// `move-to` [none]: the directory rotated files are moved to.
    public var moveTo: String?
    /// `delete-after` [never]: delete rotated files older than this.
    public var deleteAfter: Expiry = .never
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates an accounting file recording everything, never rotated.
    public init(path: String, location: SourceLocation) {
        self.path = path
        self.location = location
    }
}
