/// `<domain>` entries indexed by pattern, so that resolving one queue's settings costs a few
/// dictionary lookups (one per label of the domain), whatever the number of blocks.
struct DomainIndex: Hashable, Sendable {
    private var any: [DomainEntry] = []
    private var domainAndSubdomains: [String: [DomainEntry]] = [:]
    private var subdomains: [String: [DomainEntry]] = [:]
    private var exact: [String: [DomainEntry]] = [:]

    /// Indexes `blocks`; entries of blocks with the same pattern keep file order.
    init(_ blocks: [DomainBlock]) {
        for block in blocks {
            for pattern in block.patterns {
                switch pattern {
                case .any: any += block.entries
                case .domainAndSubdomains(let d): domainAndSubdomains[d, default: []] += block.entries
                case .subdomains(let d): subdomains[d, default: []] += block.entries
                case .exact(let d): exact[d, default: []] += block.entries
                }
            }
        }
    }

    /// True when no block is indexed.
    var isEmpty: Bool {
        any.isEmpty && domainAndSubdomains.isEmpty && subdomains.isEmpty && exact.isEmpty
    }

    /// Applies every entry matching `domain` (lower case, no trailing dot) to `settings`, from
    /// general to specific: `*`, then for each suffix from the shortest: `[*.]suffix`, `*.suffix`
    /// (a proper suffix only), then the exact name. Within one pattern, file order.
    func apply(to settings: inout DomainSettings, domain: String) {
        apply(any, to: &settings)
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty else { return }
        var suffix = ""
        for index in stride(from: labels.count - 1, through: 0, by: -1) {
            suffix = suffix.isEmpty ? String(labels[index]) : labels[index] + "." + suffix
            if let entries = domainAndSubdomains[suffix] { apply(entries, to: &settings) }
            if index > 0, let entries = subdomains[suffix] { apply(entries, to: &settings) }
        }
        if let entries = exact[domain] { apply(entries, to: &settings) }
    }

    private func apply(_ entries: [DomainEntry], to settings: inout DomainSettings) {
        for entry in entries {
            // Entries were validated when the model was built; a failure cannot happen here.
            try? settings.set(entry.name, to: entry.value, origin: .config(entry.location))
        }
    }
}
