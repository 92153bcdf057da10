import SluiceBase
import SluiceSQLite

extension SuppressionStore {
    /// Imports the CSV text `bytes` (see ``SuppressionCSV``), in transactions of 50,000 entries.
    /// A bad record (malformed CSV, not an address, an unknown scope, a bad time) is reported with
    /// the line it starts on and skipped; the rest are imported.
    ///
    /// - Parameters:
    ///   - name: the file's name, for the default source (`import NAME:LINE`).
    ///   - now: the time of entries without one.
    /// - Throws: ``SQLiteError`` when the database fails (entries of the batches committed before stay).
    public func importCSV(_ bytes: [UInt8], name: String, now: Instant) throws(SQLiteError) -> SuppressionImportReport {
        var reader = CSVReader(bytes)
        var report = SuppressionImportReport()
        var layout = SuppressionCSV.columns
        var batch: [SuppressionEntry] = []
        var first = true
        while let record = reader.next() {
            defer { first = false }
            guard case .fields(let fields) = record.row else {
                if case .malformed(let problem) = record.row { report.badLines.append(.init(line: record.line, reason: problem)) }
                continue
            }
            if first, fields.first?.lowercased() == "address" {
                layout = fields.map { $0.lowercased() }
                if let unknown = layout.first(where: { !SuppressionCSV.columns.contains($0) }) {
                    report.badLines.append(.init(line: record.line, reason: "unknown column '\(unknown)' in the header; "
                                                 + "columns are \(SuppressionCSV.header) (it is ignored)"))
                }
                continue
            }
            switch Self.entry(fields, layout: layout, source: "import \(name):\(record.line)", now: now) {
            case .success(let entry): batch.append(entry)
            case .failure(let problem): report.badLines.append(.init(line: record.line, reason: problem.message))
            }
            if batch.count == 50_000 {
                try add(batch)
                report.imported += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
        try add(batch)
        report.imported += batch.count
        return report
    }

    /// The entry of one record whose columns are named by `layout`.
    static func entry(_ fields: [String], layout: [String], source: String, now: Instant) -> Result<SuppressionEntry, CSVReader.Problem> {
        var values: [String: String] = [:]
        for (name, value) in zip(layout, fields) where values[name] == nil { values[name] = value }
        if fields.count > layout.count {
            return .failure(.init("\(fields.count) fields, more than the \(layout.count) columns"))
        }
        let address = (values["address"] ?? "").trimmingSpaces
        guard SuppressionEntry.isAddress(address) else {
            return .failure(.init(address.isEmpty ? "no address" : "'\(address)' is not an address"))
        }
        let scopeText = (values["scope"] ?? "").trimmingSpaces
        guard let scope = scopeText.isEmpty ? .global : SuppressionScope(scopeText) else {
            return .failure(.init("unknown scope '\(scopeText)' (global, sender-domain:DOMAIN or job:ID)"))
        }
        let timeText = (values["time"] ?? "").trimmingSpaces
        guard let time = timeText.isEmpty ? now : SuppressionCSV.instant(iso: timeText) else {
            return .failure(.init("bad time '\(timeText)' (expected 2026-12-05T10:11:12Z)"))
        }
        let reason = (values["reason"] ?? "").trimmingSpaces
        let given = (values["source"] ?? "").trimmingSpaces
        return .success(SuppressionEntry(address: address, scope: scope, reason: reason.isEmpty ? "import" : reason,
                                         source: given.isEmpty ? source : given, time: time))
    }

    /// Writes the header, then every entry in the order they were added, one line at a time to
    /// `write` (each without its line break). Reads through a connection of its own, so checks
    /// are not held up. Returns the number of entries.
    @discardableResult
    public func exportCSV(_ write: (String) throws -> Void) throws -> Int {
        let connection = try SQLiteConnection(path: path)
        try write(SuppressionCSV.header)
        let all = try connection.prepare(SuppressionSchema.all)
        var count = 0
        while try all.step() {
            guard let entry = SuppressionSchema.entry(all) else { continue }
            try write(SuppressionCSV.line(entry))
            count += 1
        }
        return count
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
