/// Where an entry of the suppression list applies: to every message, to messages from one sender
/// domain, or to one job's messages.
///
/// Written `global`, `sender-domain:example.com` or `job:JOB` (in the database, CSV files and on
/// the command line).
public enum SuppressionScope: Hashable, Sendable, CustomStringConvertible {
    /// Every message.
    case global
    /// Messages whose envelope sender is in this domain (lowercased).
    case senderDomain(String)
    /// Messages of this job (the X-Job header; compared exactly).
    case job(String)

    /// Parses the written form; nil for anything else (an empty domain or job included).
    public init?(_ text: String) {
        if text == "global" {
            self = .global
        } else if text.hasPrefix("sender-domain:"), text.count > "sender-domain:".count {
            self = .senderDomain(String(text.dropFirst("sender-domain:".count)).lowercased())
        } else if text.hasPrefix("job:"), text.count > "job:".count {
            self = .job(String(text.dropFirst("job:".count)))
        } else {
            return nil
        }
    }

    /// `global`, `sender-domain:D` or `job:J`.
    public var description: String {
        switch self {
        case .global: return "global"
        case .senderDomain(let domain): return "sender-domain:\(domain)"
        case .job(let job): return "job:\(job)"
        }
    }

    /// `global`, `sender-domain` or `job`: the kind, for statistics.
    public var kind: String {
        switch self {
        case .global: return "global"
        case .senderDomain: return "sender-domain"
        case .job: return "job"
        }
    }

    /// True when the entry applies to a message from `senderDomain` (lowercased) in job `jobID`.
    public func applies(senderDomain: String?, jobID: String?) -> Bool {
        switch self {
        case .global: return true
        case .senderDomain(let domain): return domain == senderDomain
        case .job(let job): return job == jobID
        }
    }

    /// The domain of an envelope sender, lowercased; nil for the null sender or no `@`.
    public static func domain(ofSender sender: String) -> String? {
        guard let at = sender.lastIndex(of: "@") else { return nil }
        let domain = sender[sender.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}
