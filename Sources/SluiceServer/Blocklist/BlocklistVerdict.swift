import SluiceConfig
import SluiceDNS

/// What one blocklist lookup says about an address, from the A lookup's result and the zone's
/// return codes. Pure.
///
/// Answers in 127.255.255.0/24 are the zone refusing the query, not a listing: Spamhaus answers
/// 127.255.255.252 for a malformed query, .254 for a query through a public or open resolver and
/// .255 for excessive queries. An answer outside 127.0.0.0/8 is not a blocklist answer at all (a
/// resolver that rewrites NXDOMAIN, say) and is reported the same way.
enum BlocklistVerdict: Hashable, Sendable {
    /// Listed: the answer (answers joined with commas) and what the zone means by it.
    case listed(answer: String, meaning: String)
    /// Not listed (NXDOMAIN, or a name without A records).
    case clear
    /// The zone refused to answer the query: the answer and the reason.
    case refused(answer: String, meaning: String)
    /// No usable answer (timeout, SERVFAIL …).
    case failed(String)

    /// The refusal codes and their meanings.
    static let refusals: [UInt32: String] = [
        0x7FFF_FFFC: "typo in the zone name or a malformed query",
        0x7FFF_FFFE: "query through a public or open resolver refused",
        0x7FFF_FFFF: "excessive number of queries",
    ]

    /// Classifies `result`, the A lookup of an address in `zone`.
    init(_ result: RecordLookupResult, zone: BlocklistZone) {
        switch result {
        case .noSuchName, .noRecords:
            self = .clear
        case .failed(let reason):
            self = .failed(reason)
        case .records(let answers):
            let values = answers.compactMap { answer -> UInt32? in
                guard case .v4(let value) = IPAddress(answer) else { return nil }
                return value
            }
            let answer = answers.joined(separator: ",")
            if values.count < answers.count || values.contains(where: { $0 >> 24 != 127 }) {
                self = .refused(answer: answer, meaning: "not a blocklist answer (outside 127.0.0.0/8)")
            } else if let refusal = values.first(where: { $0 >> 8 == 0x7F_FFFF }) {
                self = .refused(answer: answer, meaning: Self.refusals[refusal] ?? "query refused")
            } else {
                var meanings: [String] = []
                for value in values {
                    let meaning = zone.returnCodes.first { $0.contains(value) }?.meaning ?? "listed"
                    if !meanings.contains(meaning) { meanings.append(meaning) }
                }
                self = .listed(answer: answer, meaning: meanings.joined(separator: ", "))
            }
        }
    }
}
