extension ModelBuilder {
    /// `domain-key SELECTOR,DOMAIN,PATH` (spaces after the commas allowed): nil after an error.
    /// A second key for the same selector and domain in one scope is an error; the key file itself
    /// is read and checked when the configuration is put to use (see SluiceServer's DKIMKeyring).
    mutating func domainKey(_ d: DirectiveNode, among existing: [DomainKey], scope: String) -> DomainKey? {
        let parts = d.arguments.map(\.text).joined().split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            error(d.valueLocation, "'domain-key' takes SELECTOR,DOMAIN,PATH, e.g. domain-key s1,example.com,/etc/sluice/dkim/s1.example.com.pem")
            return nil
        }
        let selector = parts[0], domain = parts[1].lowercased(), path = parts[2]
        let isLabel = { (text: Substring) in
            !text.isEmpty && text.count <= 63 && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
        guard selector.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel) else {
            error(d.valueLocation, "invalid DKIM selector '\(selector)': letters, digits, '-' and '_' in dot-separated labels")
            return nil
        }
        guard domain == DomainKey.anyDomain
              || (domain.contains(".") && domain.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)) else {
            error(d.valueLocation, "invalid signing domain '\(parts[1])' in 'domain-key': a domain such as example.com, or *")
            return nil
        }
        if let first = existing.first(where: { $0.selector == selector && $0.domain == domain }) {
            error(d.location, "duplicate domain-key \(selector),\(domain) in \(scope); first at \(first.location)")
            return nil
        }
        return DomainKey(selector: selector, domain: domain, path: path, location: d.location)
    }
}
