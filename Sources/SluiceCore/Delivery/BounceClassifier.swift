import SluiceConfig

/// Assigns a bounce category to a remote reply with an ordered list of `/regex/ category` rules;
/// the first match wins and `other` is the catch-all.
///
/// Each rule is tried against the whole reply text and, when the reply has an enhanced status
/// code, against `STATUS;` (e.g. `5.1.1;`) — so text rules such as `/mailbox +full/` and status
/// rules such as `/^[45]\.1\.1/` live in one list, text rules first, as in PowerMTA.
public struct BounceClassifier: Sendable {
    /// The rules in order.
    public let rules: [BounceCategoryRule]

    /// A classifier over `rules`; an empty list means ``stockRules``.
    public init(rules: [BounceCategoryRule] = []) {
        self.rules = rules.isEmpty ? BounceClassifier.stockRules : rules
    }

    /// The category of `reply`: the first matching rule's, else `other`. Rules of the category
    /// `success` (PowerMTA's stock list maps `/^2.\d+.\d+;/` to it) describe replies that are no
    /// bounce at all, so they never categorise one.
    public func classify(_ reply: SMTPReply) -> BounceCategory {
        let status = reply.enhancedStatus.map { "\($0);" }
        for rule in rules where rule.category != .success {
            if rule.regex.matches(reply.dsnDiag) { return rule.category }
            if let status, rule.regex.matches(status) { return rule.category }
        }
        return .other
    }

    /// The stock list, modelled on PowerMTA's default `<bounce-category-patterns>`: reply-text rules
    /// (case-insensitive) first, then enhanced-status rules; anything else is `other`.
    public static let stockRules: [BounceCategoryRule] = stockPatterns.compactMap { source, category in
        guard let regex = try? PatternRegex(source, caseInsensitive: true) else { return nil }
        return BounceCategoryRule(regex: regex, category: category)
    }

    /// The stock patterns as (regex source, category) pairs, in order.
    static let stockPatterns: [(String, BounceCategory)] = {
        let who = "(user|mailbox|recipient|rcpt|local part|address|account|mail drop|ad(d?)ressee)"
        let bad = "(not (a +)?valid|not known|not here|not found|does not exist|bad|invalid|unknown|illegal|unavailable)"
        return [
            // Reply text.
            // Greylisting is a deliberate first refusal; its texts say "Recipient address rejected"
            // or "Sender address rejected", which the rules below read as a bad mailbox or sender.
            ("greylist", .policyRelated),
            // Authentication failures (Gmail's and Yahoo's bulk-sender rules) are policy, although
            // their texts say "blocked" or "to protect our users from spam".
            ("unauthenticated|authentication (checks|information|results)|\\b(SPF|DKIM|DMARC)\\b", .policyRelated),
            // Gmail's refusal of executable attachments: "blocked because its content presents a
            // potential security issue".
            ("potential security issue", .contentRelated),
            ("spam", .spamRelated),
            ("junk mail", .spamRelated),
            // Providers' own lists: Outlook.com's "on our block list (S3140)".
            ("(black|block) ?list", .spamRelated),
            ("blocked", .spamRelated),
            ("\\bU\\.?C\\.?E\\.?\\b", .spamRelated),
            ("\\badv(ertisements?)?\\b", .spamRelated),
            ("unsolicited", .spamRelated),
            ("\\b(open)?RBL\\b", .spamRelated),
            ("realtime blackhole", .spamRelated),
            // Reputation throttles: Yahoo's "[TSS04] … deferred due to unexpected volume or user
            // complaints", Outlook.com's "rate limited due to IP reputation (4.7.650)".
            ("complaints", .spamRelated),
            ("\\breputation\\b", .spamRelated),
            ("\\bvirus\\b", .virusRelated),
            ("message +content", .contentRelated),
            ("content +rejected", .contentRelated),
            ("quota", .quotaIssues),
            ("limit exceeded", .quotaIssues),
            ("mailbox +(is +)?full", .quotaIssues),
            ("\\bstorage\\b", .quotaIssues),
            // A per-recipient rate limit (Gmail's 450 4.2.1, which the status rules would read as
            // a disabled mailbox): the recipient is fine, its intake is full for now.
            ("receiving mail (too quickly|at a rate)", .quotaIssues),
            ("message size", .contentRelated),
            ("sender ((verify|verification) failed|could not be verified|address rejected|domain must exist)", .invalidSender),
            ("unable to verify sender", .invalidSender),
            ("requires valid sender domain", .invalidSender),
            ("bad sender's system address", .invalidSender),
            ("no MX for envelope sender domain", .invalidSender),
            ("no mail hosts for domain", .invalidSender),
            ("your domain has no(t)? DNS/MX entries", .invalidSender),
            ("domain of sender address", .invalidSender),
            ("return MX does not exist", .invalidSender),
            ("invalid sender domain", .invalidSender),
            ("^[45]\\.4\\.4", .routingErrors),
            ("\(who) (has|has been|is)? *(currently|temporarily +)?(disabled|expired|inactive|not activated)", .inactiveMailbox),
            ("too many (bad|invalid|unknown|illegal|unavailable) \(who)", .other),
            ("(no such|bad|invalid|unknown|illegal|unavailable) (local +)?\(who)", .badMailbox),
            ("\(who) +(\\S+@\\S+ +)?\(bad)", .badMailbox),
            ("\\S+@\\S+ +(is +)?\(bad)", .badMailbox),
            ("no mailbox here by that name", .badMailbox),
            ("not our customer", .badMailbox),
            ("no longer (valid|available)", .badMailbox),
            ("have a \\S+ account", .badMailbox),
            // Exchange Online's directory-based edge blocking refuses an address its directory does
            // not know with this text (NDR 5.4.1), before "denied" reads it as policy.
            ("recipient address rejected: access denied", .badMailbox),
            ("\\brelay(ing)?\\b", .relayingIssues),
            // qmail: "that domain isn't in my list of allowed rcpthosts" refuses to relay.
            ("rcpthosts", .relayingIssues),
            ("domain (retired|bad|invalid|unknown|illegal|unavailable|not found)", .badDomain),
            ("domain no longer in use", .badDomain),
            ("domain (\\S+ +)?(is +)?obsolete", .badDomain),
            ("denied", .policyRelated),
            ("prohibit", .policyRelated),
            ("rejected", .policyRelated),
            ("refused", .policyRelated),
            ("allowed", .policyRelated),
            ("banned", .policyRelated),
            ("policy", .policyRelated),
            ("suspicious activity", .policyRelated),
            ("bad sequence", .protocolErrors),
            ("syntax error", .protocolErrors),
            ("\\broute\\b", .routingErrors),
            ("\\bunrout(e)?able\\b", .routingErrors),
            ("mail loop|loop detected|hop count exceeded", .routingErrors),
            // Enhanced status codes (RFC 3463), tried against "X.Y.Z;".
            ("^[45]\\.1\\.[1346];", .badMailbox),
            ("^[45]\\.1\\.2;", .badDomain),
            ("^[45]\\.1\\.[78];", .invalidSender),
            ("^[45]\\.2\\.0;", .badMailbox),
            ("^[45]\\.2\\.1;", .inactiveMailbox),
            ("^[45]\\.2\\.2;", .quotaIssues),
            ("^[45]\\.2\\.3;", .contentRelated),
            ("^[45]\\.3\\.[34];", .contentRelated),
            ("^[45]\\.3\\.5;", .badConfiguration),
            ("^[45]\\.4\\.1;", .noAnswerFromHost),
            ("^[45]\\.4\\.2;", .badConnection),
            ("^[45]\\.4\\.[36];", .routingErrors),
            ("^[45]\\.4\\.7;", .messageExpired),
            ("^[45]\\.5\\.3;", .policyRelated),
            ("^[45]\\.5\\.\\d+;", .protocolErrors),
            ("^[45]\\.6\\.\\d+;", .contentRelated),
            ("^[45]\\.7\\.[012];", .policyRelated),
            ("^[45]\\.7\\.7;", .contentRelated),
            // The rest of class 7 is "security or policy status" (RFC 3463), e.g. Exchange's 5.7.12.
            ("^[45]\\.7\\.\\d+;", .policyRelated),
        ]
    }()
}
