import SluiceBase

/// The domain of a message's From address, the default DKIM signing domain. Pure.
///
/// Read from the bytes as they are: this runs for every message a signing configuration
/// receives, and building every header field as a `HeaderEditor` does (then unfolding the value
/// through Foundation, as it did when measured) cost about a third of an Ed25519 signature per
/// message.
enum FromDomain {
    /// The domain of the first address in the first From field of `content`, lowercased; nil
    /// when there is no From field or no address with a domain in it.
    static func of(_ content: [UInt8]) -> String? {
        fromValue(content).flatMap(domain(inAddressList:))
    }

    /// The value of the first From field, unfolded (each CRLF removed) and without the white
    /// space around it; nil when the header section has no From field. The header section is
    /// read as `HeaderEditor` reads it: lines ending in LF, ending at the first empty line, a
    /// continuation line before any field, or a line that is neither a field nor a continuation
    /// (a field's name is at least one byte from `!` to `~`, up to its colon).
    static func fromValue(_ content: [UInt8]) -> String? {
        let n = content.count
        var index = 0
        var sawField = false
        var value: Range<Int>?  // the From field's bytes after its colon, continuations included
        while index < n {
            var lineEnd = index
            while lineEnd < n, content[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd < n { lineEnd += 1 }
            let first = content[index]
            if (lineEnd - index <= 2 && first == 0x0D) || first == 0x0A { break }
            if first == 0x20 || first == 0x09 {
                guard sawField else { break }
                if let start = value?.lowerBound { value = start..<lineEnd }
            } else {
                var colon = index
                while colon < lineEnd, content[colon] != 0x3A { colon += 1 }
                guard colon < lineEnd, colon > index, content[index..<colon].allSatisfy({ $0 > 32 && $0 < 127 }) else { break }
                if value != nil { break }  // the From field is complete
                sawField = true
                if colon - index == 4, ASCIICase.equal(content[index..<colon], "from".utf8) {
                    value = (colon + 1)..<lineEnd
                }
            }
            index = lineEnd
        }
        guard let value else { return nil }
        var unfolded: [UInt8] = []
        unfolded.reserveCapacity(value.count)
        var k = value.lowerBound
        while k < value.upperBound {
            if content[k] == 0x0D, k + 1 < value.upperBound, content[k + 1] == 0x0A {
                k += 2
                continue
            }
            unfolded.append(content[k])
            k += 1
        }
        return trimmed(String(decoding: unfolded, as: UTF8.self)) { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// The domain of the first address in a From value: `Name <user@Example.com>`,
    /// `user@example.com (comment)`, `"Last, First" <a@b.example>, c@d.example`.
    static func domain(inAddressList value: String) -> String? {
        var address: Substring
        if let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            address = value[value.index(after: open)..<close]
        } else {
            guard let token = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
                .first(where: { $0.contains("@") }) else { return nil }
            address = token
        }
        address = address.drop { $0 == " " }
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = trimmed(String(address[address.index(after: at)...])) { " \t>);\"".unicodeScalars.contains($0) }.lowercased()
        guard domain.contains("."), !domain.contains(where: { $0 == " " || $0 == "@" }) else { return nil }
        return domain
    }

    /// `text` without the scalars `drop` picks at either end (as Foundation's `trimmingCharacters`).
    static func trimmed(_ text: String, dropping drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !drop($0) }),
              let end = scalars.lastIndex(where: { !drop($0) }) else { return "" }
        return String(scalars[start...end])
    }
}
