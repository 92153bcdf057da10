/// What a lookup of one record type found, with "the name exists but has no such record" and
/// "the name does not exist" told apart from a lookup that failed (a DNS blocklist answers a
/// listed address with A records and an unlisted one with NXDOMAIN; a missing DKIM key is
/// NXDOMAIN or no TXT).
public enum RecordLookupResult: Hashable, Sendable {
    /// The records' values in answer order: dotted quads for A; for TXT each record's
    /// <character-string>s joined without a separator (RFC 6376 §3.6.2.2; RFC 7208 §3.3 joins
    /// SPF's the same way). Never empty.
    case records([String])
    /// The name exists but has no record of the type (NOERROR with none in the answer).
    case noRecords
    /// The name does not exist (NXDOMAIN).
    case noSuchName
    /// No usable answer: no server, a timeout, SERVFAIL, REFUSED, a truncated or unparseable reply.
    case failed(String)

    /// Classifies one query's outcome for `type` records of `name`.
    public init(_ result: DNSQueryResult, name: String, type: DNSRecordType) {
        let label = type == .a ? "A" : type == .txt ? "TXT" : "type \(type.rawValue)"
        switch result {
        case .failed(let reason):
            self = .failed(reason)
        case .response(let message):
            switch message.responseCode {
            case .nameError:
                self = .noSuchName
            case .serverFailure:
                self = .failed("SERVFAIL for \(name) \(label)")
            case .other(let code):
                self = .failed("response code \(code) for \(name) \(label)")
            case .noError where message.truncated:
                // libresolv retries a truncated UDP answer over TCP; one still cut short may lack records.
                self = .failed("truncated answer for \(name) \(label)")
            case .noError:
                let values = message.answers.compactMap { record -> String? in
                    switch (type, record) {
                    case (.a, .a(let address, _)): address
                    case (.txt, .txt(let strings, _)): strings.joined()
                    default: nil
                    }
                }
                self = values.isEmpty ? .noRecords : .records(values)
            }
        }
    }
}

extension DNSQuerying {
    /// Looks up the A records of `name` (a host name without trailing dot), uncached.
    public func addressRecords(of name: String) async -> RecordLookupResult {
        RecordLookupResult(await query(name, type: .a), name: name, type: .a)
    }

    /// Looks up the TXT records of `name` (a host name without trailing dot), uncached.
    public func txtRecords(of name: String) async -> RecordLookupResult {
        RecordLookupResult(await query(name, type: .txt), name: name, type: .txt)
    }
}
