/// What a TXT lookup found, with "the name exists but has no TXT" and "the name does not exist"
/// told apart from a lookup that failed.
public enum TXTLookupResult: Hashable, Sendable {
    /// The name's TXT records in answer order, each one's <character-string>s joined without a
    /// separator (RFC 6376 §3.6.2.2; RFC 7208 §3.3 joins SPF's the same way). Never empty.
    case records([String])
    /// The name exists but has no TXT record (NOERROR with no TXT in the answer).
    case noRecords
    /// The name does not exist (NXDOMAIN).
    case noSuchName
    /// No usable answer: no server, a timeout, SERVFAIL, REFUSED, a truncated or unparseable reply.
    case failed(String)

    /// Classifies one query's outcome.
    public init(_ result: DNSQueryResult, name: String) {
        switch result {
        case .failed(let reason):
            self = .failed(reason)
        case .response(let message):
            switch message.responseCode {
            case .nameError:
                self = .noSuchName
            case .serverFailure:
                self = .failed("SERVFAIL for \(name) TXT")
            case .other(let code):
                self = .failed("response code \(code) for \(name) TXT")
            case .noError where message.truncated:
                // libresolv retries a truncated UDP answer over TCP; one still cut short may lack records.
                self = .failed("truncated answer for \(name) TXT")
            case .noError:
                let records = message.answers.compactMap { record -> String? in
                    if case .txt(let strings, _) = record { return strings.joined() }
                    return nil
                }
                self = records.isEmpty ? .noRecords : .records(records)
            }
        }
    }
}

extension DNSQuerying {
    /// Looks up the TXT records of `name` (a host name without trailing dot), uncached.
    public func txtRecords(of name: String) async -> TXTLookupResult {
        TXTLookupResult(await query(name, type: .txt), name: name)
    }
}
