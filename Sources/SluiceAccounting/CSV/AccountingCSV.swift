import Foundation
import SluiceConfig

/// RFC 4180 formatting of accounting rows: comma-separated, CRLF-terminated, a field quoted with
/// `"` when it holds a comma, a quote, CR or LF, and quotes inside doubled. Pure.
public enum AccountingCSV {
    /// The field as it appears in a row.
    public static func quote(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One row, CRLF included.
    public static func row(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// The header line naming `columns`.
    public static func header(_ columns: [AccountingField]) -> String {
        row(columns.map(\.rawValue))
    }

    /// `record` as a row under `columns`: fields its type does not carry, or that it leaves nil,
    /// are empty. (``AccountingLayout`` does this for a file with `record-fields` lines.)
    public static func row(_ record: AccountingRecord, columns: [AccountingField], isoTimes: Bool = false) -> String {
        let carried = AccountingField.fields(of: record.type)
        return row(columns.map { carried.contains($0) ? $0.value(in: record, isoTimes: isoTimes) ?? "" : "" })
    }
}
