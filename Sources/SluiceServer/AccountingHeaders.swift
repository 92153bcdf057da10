import SluiceSMTP

/// The header values accounting records carry for `record-fields … header_NAME` columns. Pure.
enum AccountingHeaders {
    /// The longest value kept for one header; a longer one is cut (accounting rows stay small).
    static let maximumValueLength = 998

    /// The first header of each name in `names` (lowercased) found in `content`, unfolded and
    /// trimmed, by lowercased name; headers the message lacks are absent.
    static func values(named names: Set<String>, in content: [UInt8]) -> [String: String] {
        guard !names.isEmpty else { return [:] }
        var values: [String: String] = [:]
        for field in HeaderEditor(content: content).fields {
            let key = field.name.lowercased()
            guard names.contains(key), values[key] == nil else { continue }
            values[key] = String(field.value.prefix(maximumValueLength))
            if values.count == names.count { break }
        }
        return values
    }
}
