import SluiceSMTP

/// The domain of a message's From address, the default DKIM signing domain. Pure.
enum FromDomain {
    /// The domain of the first address in the first From field of `content`, lowercased; nil
    /// when there is no From field or no address with a domain in it.
    static func of(_ content: [UInt8]) -> String? {
        guard let field = HeaderEditor(content: content).fields.first(where: { $0.name.lowercased() == "from" }) else {
            return nil
        }
        return domain(inAddressList: field.value)
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
        let domain = address[address.index(after: at)...]
            .trimmingCharacters(in: .init(charactersIn: " \t>);\"")).lowercased()
        guard domain.contains("."), !domain.contains(where: { $0 == " " || $0 == "@" }) else { return nil }
        return domain
    }
}
