import SluiceConfig
import SluiceBase

/// The greylisting database: when each (source IP, sender, recipient) triplet was first seen.
struct GreylistMemory: Hashable, Sendable {
    struct Triplet: Hashable, Sendable {
        var source: IPAddress
        var sender: String
        var recipient: String
    }

    /// Entries older than this are forgotten once the memory grows large (postgrey keeps 35 days;
    /// a sandbox run is short).
    static let retention = TimeSpan.days(1)
    static let pruneThreshold = 100_000

    private var firstSeen: [Triplet: Instant] = [:]

    /// True when the attempt must be deferred: the triplet is new, or seen less than `minimumWait` ago.
    mutating func defers(_ triplet: Triplet, minimumWait: TimeSpan, at now: Instant) -> Bool {
        guard let first = firstSeen[triplet] else {
            if firstSeen.count >= GreylistMemory.pruneThreshold {
                firstSeen = firstSeen.filter { now - $0.value < GreylistMemory.retention }
            }
            firstSeen[triplet] = now
            return true
        }
        return now - first < minimumWait
    }
}
