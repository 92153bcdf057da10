/// The answer of the sandbox's DNS blocklist (``SandboxDNSServer``) to one query, pure: A records
/// from a table of names (lowercased, no trailing dot), NXDOMAIN for a name not in it, NOERROR
/// without records for another type of a listed name. Nil for a datagram that is no query.
enum SandboxDNSAnswer {
    static func response(to query: [UInt8], table: [String: [String]]) -> [UInt8]? {
        guard query.count >= 17, query[2] & 0x80 == 0, query[4] == 0, query[5] == 1 else { return nil }
        var position = 12
        var labels: [String] = []
        while position < query.count, query[position] != 0 {
            let length = Int(query[position])
            guard length < 64, position + 1 + length < query.count else { return nil }
            labels.append(String(decoding: query[(position + 1)...(position + length)], as: UTF8.self).lowercased())
            position += 1 + length
        }
        guard position + 5 <= query.count else { return nil }
        let type = UInt16(query[position + 1]) << 8 | UInt16(query[position + 2])
        let question = Array(query[12..<(position + 5)])
        let addresses = table[labels.joined(separator: ".")]
        let records: [[UInt8]] = type == 1 ? (addresses ?? []).compactMap(Self.record) : []
        let rcode: UInt8 = addresses == nil ? 3 : 0
        var out = [query[0], query[1], 0x84 | (query[2] & 0x01), 0x80 | rcode, 0, 1, 0, UInt8(records.count), 0, 0, 0, 0]
        out += question
        for record in records { out += record }
        return out
    }

    /// An A record for the question's name (a pointer to offset 12), TTL 10 s.
    private static func record(_ address: String) -> [UInt8]? {
        let octets = address.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        return [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4] + octets
    }
}
