/// Orders mail exchangers for delivery (RFC 5321 §5.1): lowest preference first, hosts of
/// equal preference in random order so that load spreads across them.
public enum MXOrdering {
    /// The exchange names in delivery order; duplicates keep their best preference.
    public static func order(_ records: [(preference: UInt16, exchange: String)],
                             using generator: inout some RandomNumberGenerator) -> [String] {
        var best: [String: UInt16] = [:]
        for record in records where !record.exchange.isEmpty {
            best[record.exchange] = min(best[record.exchange] ?? .max, record.preference)
        }
        let groups = Dictionary(grouping: best.keys.sorted(), by: { best[$0] ?? 0 })
        var ordered: [String] = []
        for preference in groups.keys.sorted() {
            ordered += (groups[preference] ?? []).shuffled(using: &generator)
        }
        return ordered
    }
}
