/// What an IPv4 address (A) lookup found, with "the name exists but has no A record" and "the
/// name does not exist" told apart from a lookup that failed (a DNS blocklist answers a listed
/// address with A records and an unlisted one with NXDOMAIN).
public enum AddressLookupResult: Hashable, Sendable {
    /// The name's IPv4 addresses in answer order (dotted quads). Never empty.
    case addresses([String])
    /// The name exists but has no A record (NOERROR with no A in the answer).
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
                self = .failed("SERVFAIL for \(name) A")
            case .other(let code):
                self = .failed("response code \(code) for \(name) A")
            case .noError where message.truncated:
                self = .failed("truncated answer for \(name) A")
            case .noError:
                let addresses = message.answers.compactMap { record -> String? in
                    if case .a(let address, _) = record { return address }
                    return nil
                }
                self = addresses.isEmpty ? .noRecords : .addresses(addresses)
            }
        }
    }
}

extension DNSQuerying {
    /// Looks up the A records of `name` (a host name without trailing dot), uncached.
    public func addressRecords(of name: String) async -> AddressLookupResult {
        AddressLookupResult(await query(name, type: .a), name: name)
    }
}
