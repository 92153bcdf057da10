/// One column of an accounting file: a record field, or the value of a message header
/// (`header_X-Mailer-LID` in `record-fields`).
public enum AccountingColumn: Hashable, Sendable, CustomStringConvertible {
    /// A field of the record, such as `timeLogged`.
    case field(AccountingField)
    /// The first header of this name in the message (name as written; matched in any case).
    case header(String)

    /// The prefix that makes a `record-fields` item a header column.
    public static let headerPrefix = "header_"

    /// The column's name in the file's header line: `timeLogged`, `header_X-Mailer-LID`.
    public var description: String {
        switch self {
        case .field(let field): return field.rawValue
        case .header(let name): return Self.headerPrefix + name
        }
    }

    /// For a header column, its name lowercased (the key of ``AccountingRecord``'s headers).
    public var headerKey: String? {
        if case .header(let name) = self { return name.lowercased() }
        return nil
    }

    /// Two header columns naming the same header in another case are the same column.
    public static func == (a: AccountingColumn, b: AccountingColumn) -> Bool {
        switch (a, b) {
        case (.field(let x), .field(let y)): return x == y
        case (.header(let x), .header(let y)): return x.lowercased() == y.lowercased()
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .field(let field): hasher.combine(0); hasher.combine(field)
        case .header(let name): hasher.combine(1); hasher.combine(name.lowercased())
        }
    }
}

/// A `record-fields TYPE FIELD,FIELD,…` line of an `<acct-file>`: the columns one record type
/// fills, in order (`*` already expanded to the type's own fields).
public struct AccountingRecordFields: Hashable, Sendable {
    /// The record type the line is for.
    public var type: AccountingRecordType
    /// The columns, without `type` (which always comes first).
    public var columns: [AccountingColumn]
    /// Where the line is.
    public var location: SourceLocation

    /// Creates a line.
    public init(type: AccountingRecordType, columns: [AccountingColumn], location: SourceLocation) {
        self.type = type
        self.columns = columns
        self.location = location
    }
}
