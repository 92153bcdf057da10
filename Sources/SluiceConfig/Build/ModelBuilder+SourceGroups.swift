extension ModelBuilder {
    // MARK: - <source-group>

    static let sourceGroupDirectives = ["max-smtp-in", "reserved-smtp-in"]

    /// `<source-group NAME>` with `max-smtp-in N|unlimited` and `reserved-smtp-in N`.
    mutating func sourceGroup(_ b: BlockNode) {
        guard let name = blockName(b, example: "<source-group senders>") else { return }
        if let first = model.sourceGroups[name] {
            error(b.argumentLocation, "duplicate source-group '\(name)'; first defined at \(first.location)")
            return
        }
        var group = SourceGroup(name: name, location: b.start)
        var reservedLocation: SourceLocation?
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "source-group")
            case .directive(let d) where d.key == "max-smtp-in":
                group.maxSMTPIn = parse(d, Self.parseConnectionCount) ?? nil
            case .directive(let d) where d.key == "reserved-smtp-in":
                group.reservedSMTPIn = parse(d) { (t: String) throws(ValueError) in
                    guard let n = Int(t), n >= 0 else {
                        throw ValueError(expected: "a number of connections such as 20", found: t)
                    }
                    return n
                } ?? group.reservedSMTPIn
                reservedLocation = d.location
            case .directive(let d): unknownDirective(d, in: "<source-group>", known: Self.sourceGroupDirectives)
            }
        }
        if let reserved = group.reservedSMTPIn, let maximum = group.maxSMTPIn, reserved > maximum,
           let reservedLocation {
            warning(reservedLocation, "reserved-smtp-in \(reserved) is more than the group's max-smtp-in \(maximum): "
                                    + "at most \(maximum) of the reserved connections can be used")
        }
        model.sourceGroups[name] = group
    }

    /// Warns when the connections reserved for source groups take all of `total-max-smtp-in`.
    mutating func checkSourceGroups() {
        let reserved = model.sourceGroups.values.reduce(0) { $0 + ($1.reservedSMTPIn ?? 0) }
        guard let total = model.totalMaxSMTPIn, reserved >= total,
              let first = model.sourceGroups.values.filter({ ($0.reservedSMTPIn ?? 0) > 0 }).map(\.location).min()
        else { return }
        warning(first, "the source groups reserve \(reserved) connection(s), all of total-max-smtp-in \(total): "
                     + "clients outside them can never connect")
    }
}
