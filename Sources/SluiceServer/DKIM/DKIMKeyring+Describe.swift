import SluiceConfig

extension DKIMKeyring {
    /// Which key signs the mail of a queue with `settings` sent through `vmta`, as lines for
    /// `show settings` and the console's Detail view: the identity and the key that serves it,
    /// or, when the From domain decides, every key the vmta can use in the order they are tried.
    public func describeSigning(settings: DomainSettings, vmta: String) -> [String] {
        guard settings.dkimSign.value else { return ["not signed (dkim-sign no)"] }
        let algorithm = settings.dkimAlgorithm.value
        var lines = [describe(identity: settings.dkimIdentity.value, vmta: vmta, algorithm: algorithm,
                              settings: settings, label: "signs")]
        if settings.secondDKIMSign.value {
            lines.append(settings.secondDKIMIdentity.value.map {
                describe(identity: $0, vmta: vmta, algorithm: algorithm, settings: settings, label: "second")
            } ?? "second: second-dkim-identity not set; no second signature")
        }
        return lines
    }

    private func describe(identity: String?, vmta: String, algorithm: DKIMAlgorithmSetting?, settings: DomainSettings,
                          label: String) -> String {
        let onMissing = settings.dkimMissingKey.value == .refuse ? "refused (dkim-missing-key refuse)" : "sent unsigned"
        if let identity {
            let domain = DKIMSigningPlan.domain(ofIdentity: identity)
            guard let entry = key(for: domain, vmta: vmta, algorithm: algorithm) else {
                return "\(label): \(identity): no key; mail is \(onMissing)"
            }
            return "\(label): \(identity) with \(entry.summary)"
        }
        let usable = ((byVirtualMTA[vmta] ?? []) + global).filter { algorithm == nil || $0.key.type.algorithm == algorithm?.rawValue }
        guard !usable.isEmpty else { return "\(label): by From domain; no key configured, mail is \(onMissing)" }
        return "\(label): by From domain with " + usable.map(\.summary).joined(separator: "; ")
            + "; other domains \(onMissing)"
    }
}
