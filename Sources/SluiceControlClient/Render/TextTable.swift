/// A plain-text table with aligned columns, in the style of `pmta show queues`: a header line,
/// one line per row, and an optional totals line. The last column is never padded.
public struct TextTable: Sendable {
    /// How a column's cells are aligned.
    public enum Alignment: Sendable { case left, right }

    /// A column: its header and alignment.
    public struct Column: Sendable {
        /// The header text.
        public var title: String
        /// The alignment of header and cells.
        public var alignment: Alignment
        /// Creates a column.
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows, one cell per column.
    public var rows: [[String]] = []
    /// The totals line, one cell per column, or nil.
    public var totals: [String]?

    /// Creates an empty table.
    public init(_ columns: [Column]) { self.columns = columns }

    /// Adds a row (missing cells are empty, extra ones dropped).
    public mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as lines joined by `\n`, ending with a newline; columns separated by two spaces.
    public func render() -> String {
        let all = [columns.map(\.title)] + rows + (totals.map { [$0] } ?? [])
        var widths = columns.map { _ in 0 }
        for row in all {
            for i in columns.indices { widths[i] = max(widths[i], Self.width(i < row.count ? row[i] : "")) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, column) in columns.enumerated() {
                let cell = Self.sanitize(i < cells.count ? cells[i] : "")
                let pad = String(repeating: " ", count: widths[i] - Self.width(cell))
                let isLast = i == columns.count - 1
                switch column.alignment {
                case .left: parts.append(isLast ? cell : cell + pad)
                case .right: parts.append(pad + cell)
                }
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var out = line(columns.map(\.title)) + "\n"
        for row in rows { out += line(row) + "\n" }
        if let totals { out += line(totals) + "\n" }
        return out
    }

    /// Display width, counted in characters.
    static func width(_ s: String) -> Int { sanitize(s).count }

    /// Control characters (from remote replies, say) shown as spaces so they cannot move the cursor.
    static func sanitize(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
    }
}
