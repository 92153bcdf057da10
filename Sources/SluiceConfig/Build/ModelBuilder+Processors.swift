extension ModelBuilder {
    // MARK: - <bounce-processor>, <feedback-loop-processor>

    static let processorDirectives = ["deliver-unmatched-email", "deliver-matched-email", "forward-unmatched-to",
                                      "forward-errors-to"]
    static let addressListDirectives = ["domain", "address"]

    /// `<bounce-processor>` or `<feedback-loop-processor>`: its options and `<address-list>` into
    /// the model (the node's `InboundReportProcessor` acts on them).
    mutating func inboundProcessor(_ b: BlockNode, kind: InboundProcessor.Kind) {
        if let extra = b.arguments.first {
            error(extra.location, "'<\(kind.rawValue)>' takes no name; its addresses go in a nested <address-list>")
        }
        var processor = InboundProcessor(kind: kind, location: b.start)
        for child in b.children {
            switch child {
            case .block(let nested) where nested.name.text == "address-list":
                addressList(nested, into: &processor.addresses)
            case .block(let nested): misplaced(nested, inside: kind.rawValue)
            case .directive(let d):
                switch d.key {
                case "deliver-unmatched-email": bool(d).map { processor.deliverUnmatchedEmail = $0 }
                case "deliver-matched-email": bool(d).map { processor.deliverMatchedEmail = $0 }
                case "forward-unmatched-to": processor.forwardUnmatchedTo = mailAddress(d)
                case "forward-errors-to": processor.forwardErrorsTo = mailAddress(d)
                default: unknownDirective(d, in: "<\(kind.rawValue)>", known: Self.processorDirectives)
                }
            }
        }
        model.inboundProcessors.append(processor)
    }

    /// A nested `<address-list>`: `domain NAME`, `address ADDR`, `address /re/` lines.
    private mutating func addressList(_ b: BlockNode, into list: inout InboundAddressList) {
        if let extra = b.arguments.first { error(extra.location, "'<address-list>' takes no name") }
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "address-list")
            case .directive(let d) where d.key == "domain":
                guard let word = single(d) else { continue }
                do {
                    _ = try DomainPattern(parsing: word.text)
                    list.domains.append(word.text.lowercased())
                } catch {
                    self.error(word.location, "invalid value for 'domain': \(error)")
                }
            case .directive(let d) where d.key == "address":
                guard let word = single(d) else { continue }
                if word.text.hasPrefix("/") {
                    if let pattern = regex(word) { list.patterns.append(pattern) }
                } else if let address = mailAddress(d) {
                    list.addresses.append(address.lowercased())
                }
            case .directive(let d): unknownDirective(d, in: "<address-list>", known: Self.addressListDirectives)
            }
        }
    }

    /// The directive's one value as a mail address (`local@domain`), or nil after an error.
    private mutating func mailAddress(_ d: DirectiveNode) -> String? {
        guard let word = single(d) else { return nil }
        guard let at = word.text.lastIndex(of: "@"), at != word.text.startIndex,
              word.text.index(after: at) != word.text.endIndex else {
            error(word.location, "invalid value for '\(d.name.text)': expected an address such as "
                               + "bounces@example.com, found '\(word.text)'")
            return nil
        }
        return word.text
    }
}
