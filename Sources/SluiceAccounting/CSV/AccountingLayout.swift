import SluiceConfig

/// The columns of one `<acct-file>` and what each record type fills in, from its `records` and
/// `record-fields` lines. Pure.
///
/// Without `record-fields`, the columns are the union of the record types' own fields in
/// ``AccountingField`` order, as before. With them, `type` comes first, then the columns of
/// the `record-fields` lines in file order, then the own fields of the types without a line (in
/// type order), each column once: PowerMTA's layout, where a row leaves the columns its type
/// was not given empty.
public struct AccountingLayout: Hashable, Sendable {
    /// The columns, in order.
    public let columns: [AccountingColumn]
    /// `iso-times`: times in ISO 8601.
    public let isoTimes: Bool
    /// The columns each record type fills; the others stay empty in its rows.
    private let filled: [AccountingRecordType: Set<AccountingColumn>]

    /// The layout of `file`.
    public init(_ file: AccountingFile) {
        isoTimes = file.isoTimes
        let lines = file.recordFields.filter { file.records.contains($0.type) }
        guard !lines.isEmpty else {
            columns = AccountingField.columns(for: file.records).map(AccountingColumn.field)
            filled = Dictionary(uniqueKeysWithValues: file.records.map { type in
                (type, Set(AccountingField.fields(of: type).map(AccountingColumn.field)))
            })
            return
        }
        var filled: [AccountingRecordType: [AccountingColumn]] = [:]
        for line in lines { filled[line.type] = [.field(.type)] + line.columns }
        for type in file.records.sorted() where filled[type] == nil {
            let own = AccountingField.fields(of: type)
            filled[type] = AccountingField.allCases.filter(own.contains).map(AccountingColumn.field)
        }
        let order = lines.map(\.type) + file.records.sorted().filter { type in !lines.contains { $0.type == type } }
        var columns: [AccountingColumn] = [.field(.type)]
        var seen: Set<AccountingColumn> = [.field(.type)]
        for type in order {
            for column in filled[type] ?? [] where seen.insert(column).inserted { columns.append(column) }
        }
        self.columns = columns
        self.filled = filled.mapValues(Set.init)
    }

    /// The header line, CRLF included.
    public var header: String { AccountingCSV.row(columns.map(\.description)) }

    /// `record` as a row, CRLF included: the columns its type is not given, or that it leaves
    /// nil, are empty; a header column holds the value of that header (empty when the message
    /// has none).
    public func row(_ record: AccountingRecord) -> String {
        let filled = self.filled[record.type] ?? []
        return AccountingCSV.row(columns.map { column -> String in
            guard filled.contains(column) else { return "" }
            switch column {
            case .field(let field): return field.value(in: record, isoTimes: isoTimes) ?? ""
            case .header(let name): return record.headers[name.lowercased()] ?? ""
            }
        })
    }
}
