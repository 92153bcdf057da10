extension ModelBuilder {
    // MARK: - <blocklist-watch> (a Sluice extension)

    static let blocklistWatchDirectives = ["zone", "interval"]
    static let blocklistZoneOptions = ["action", "command"]

    /// `<blocklist-watch>`: the DNS blocklist zones each vmta's source address is looked up in,
    /// and how often. One block; a second is an error.
    mutating func blocklistWatch(_ b: BlockNode) {
        if let extra = b.arguments.first { error(extra.location, "'<blocklist-watch>' takes no name") }
        if let first = model.blocklistWatch?.location {
            error(b.start, "only one <blocklist-watch> block is allowed; the first is at \(first)")
            return
        }
        var settings = BlocklistWatchSettings(zones: [], location: b.start)
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "blocklist-watch")
            case .directive(let d):
                switch d.key {
                case "zone":
                    guard let zone = blocklistZone(d) else { continue }
                    if let earlier = settings.zones.first(where: { $0.name == zone.name }) {
                        error(d.valueLocation, "zone '\(zone.name)' is already watched (at \(earlier.location ?? b.start)); "
                                             + "give each zone one line")
                        continue
                    }
                    settings.zones.append(zone)
                case "interval":
                    parse(d) { (t: String) throws(ValueError) in
                        let span = try TimeSpan(parsing: t)
                        guard span >= .seconds(1) else {
                            throw ValueError(expected: "an interval of at least 1s such as 5m", found: t)
                        }
                        return span
                    }.map { settings.interval = $0 }
                default: unknownDirective(d, in: "<blocklist-watch>", known: Self.blocklistWatchDirectives)
                }
            }
        }
        if settings.zones.isEmpty { settings.zones = BlocklistZone.defaults }
        model.blocklistWatch = settings
    }

    /// `zone NAME [action=notify|pause] [command=PROGRAM]`, or nil after an error.
    private mutating func blocklistZone(_ d: DirectiveNode) -> BlocklistZone? {
        guard let nameWord = d.arguments.first else {
            error(d.location, "'zone' needs a DNS blocklist zone, e.g. zone zen.spamhaus.org action=pause")
            return nil
        }
        var name = nameWord.text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !name.contains("="), labels.count >= 2,
              labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
        else {
            error(nameWord.location, "invalid zone '\(nameWord.text)': expected a DNS zone such as zen.spamhaus.org "
                                   + "(options follow it, e.g. action=pause)")
            return nil
        }
        var zone = BlocklistZone(name: name, location: d.location)
        var failed = false
        for word in d.arguments.dropFirst() {
            guard let equals = word.text.firstIndex(of: "=") else {
                error(word.location, "unexpected '\(word.text)' after the zone; options are written NAME=VALUE, "
                                   + "e.g. action=pause or command=/usr/local/bin/listed.sh")
                failed = true
                continue
            }
            let key = word.text[..<equals].lowercased(), value = String(word.text[word.text.index(after: equals)...])
            switch key {
            case "action":
                guard let action = BlocklistZone.Action(rawValue: value.lowercased()) else {
                    error(word.location, "invalid value for 'action': expected notify (report only) or pause "
                                       + "(pause the listed vmta until the listing clears), found '\(value)'")
                    failed = true
                    continue
                }
                zone.action = action
            case "command":
                guard !value.isEmpty else {
                    error(word.location, "'command=' needs a program, e.g. command=/usr/local/bin/listed.sh "
                                       + "(quote it when it has spaces)")
                    failed = true
                    continue
                }
                zone.command = value
            default:
                var message = "unknown option '\(key)' of 'zone'"
                if let near = nearestName(to: key, among: Self.blocklistZoneOptions) { message += "; did you mean '\(near)'?" }
                error(word.location, message + " (options: action=notify|pause, command=PROGRAM)")
                failed = true
            }
        }
        return failed ? nil : zone
    }
}
