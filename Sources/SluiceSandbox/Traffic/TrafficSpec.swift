import SluiceConfig

/// What traffic to generate: how fast, to which domains, for which jobs, how big.
public struct TrafficSpec: Hashable, Sendable {
    /// Messages per second (0.001 to 1,000,000).
    public var rate: Double
    /// The recipient-domain mix.
    public var mix: DomainMix
    /// The job ids (`X-Job`), drawn evenly; at least one.
    public var jobs: [String]
    /// The domain of the senders and of Message-IDs.
    public var senderDomain: String
    /// The `X-Virtual-MTA` header value (a vmta or a pool), or nil for none.
    public var virtualMTA: String?
    /// Recipients per message, all in the same domain.
    public var recipientsPerMessage: ClosedRange<Int>
    /// Message sizes in bytes (the whole content, headers included).
    public var sizes: ClosedRange<Int>
    /// Distinct recipients per domain (the generated local parts repeat across messages).
    public var mailboxesPerDomain: Int
    /// How far behind schedule the plan may fall before it skips slots instead of bursting to
    /// catch up (GCRA's tolerance).
    public var maximumLag: TimeSpan

    /// The demo's traffic: the standard mix, three jobs, one recipient per message, 2–24 KB.
    public init(rate: Double, mix: DomainMix = .standard,
                jobs: [String] = ["newsletter-2611", "receipts", "winback-q4"],
                senderDomain: String = "news.sluice.test", virtualMTA: String? = nil,
                recipientsPerMessage: ClosedRange<Int> = 1...1, sizes: ClosedRange<Int> = 2_048...24_576,
                mailboxesPerDomain: Int = 20_000, maximumLag: TimeSpan = .seconds(2)) {
        self.rate = rate
        self.mix = mix
        self.jobs = jobs
        self.senderDomain = senderDomain
        self.virtualMTA = virtualMTA
        self.recipientsPerMessage = recipientsPerMessage
        self.sizes = sizes
        self.mailboxesPerDomain = mailboxesPerDomain
        self.maximumLag = maximumLag
    }

    /// Checks the values a command line could get wrong.
    public func validate() throws(ValueError) {
        guard rate.isFinite, rate >= 0.001, rate <= 1_000_000 else {
            throw ValueError(expected: "a rate from 0.001 to 1000000 messages per second", found: "\(rate)")
        }
        guard mix.totalWeight > 0 else { throw ValueError(expected: "a domain mix with a positive weight", found: "none") }
        guard !jobs.isEmpty else { throw ValueError(expected: "at least one job id", found: "none") }
        guard recipientsPerMessage.lowerBound >= 1, recipientsPerMessage.upperBound <= 100 else {
            throw ValueError(expected: "1 to 100 recipients per message", found: "\(recipientsPerMessage)")
        }
        guard sizes.lowerBound >= 1_024, sizes.upperBound <= 50_000_000 else {
            throw ValueError(expected: "message sizes from 1024 bytes to 50 MB", found: "\(sizes)")
        }
        guard mailboxesPerDomain >= 1 else {
            throw ValueError(expected: "at least one mailbox per domain", found: "\(mailboxesPerDomain)")
        }
    }
}
