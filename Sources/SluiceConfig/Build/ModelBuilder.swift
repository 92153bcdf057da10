/// Turns a syntax tree into a ``ConfigModel``, checking every directive and reference and
/// collecting diagnostics (it never stops at the first problem).
struct ModelBuilder {
    /// Under `--strict`, unknown directives and blocks are errors instead of warnings.
    let strict: Bool
    /// Findings so far.
    var diagnostics: [Diagnostic] = []
    /// The model being built.
    var model = ConfigModel()
    /// Names used before every block is known, checked at the end.
    var references: [Reference] = []
    /// Definitions of `domain-macro`, before expansion.
    var macroDefinitions: [String: MacroDefinition] = [:]
    /// Where the first `<cluster>` block opens (valid or not), to refuse a second.
    var firstClusterBlock: SourceLocation?

    /// Blocks that may appear at the top level.
    static let topLevelBlocks = [
        "source", "smtp-listener", "virtual-mta", "virtual-mta-pool", "domain", "smtp-pattern-list",
        "bounce-category-patterns", "acct-file", "spool", "pattern-list", "smtp-user", "mx-rollup-list",
        "source-group", "rewrite-list", "bounce-processor", "feedback-loop-processor", "suppression",
        "warmup-schedule",
        "blocklist-watch", "cluster",
    ]

    /// Directives that may appear at the top level.
    static let globalDirectives = [
        "host-name", "postmaster", "control-socket", "http-mgmt-port", "http-access", "smtp-listener", "smtp-server-tls-certificate",
        "log-file", "domain-macro", "include", "spool", "total-max-smtp-in", "smtp-in-command-timeout",
        "smtp-in-min-data-rate", "smtp-in-message-memory", "dns-server", "name-server", "relay-domain", "total-max-smtp-out",
        "jobid-header", "domain-key",
    ]

    init(strict: Bool) { self.strict = strict }

    /// Builds the model from the top-level nodes.
    mutating func build(_ nodes: [SyntaxNode]) -> ConfigModel {
        collectMacros(nodes)
        var domainBlocks: [DomainBlock] = []
        for node in nodes {
            switch node {
            case .directive(let d): global(d)
            case .block(let b):
                if b.name.text == "domain" {
                    if let block = domainBlock(b) { domainBlocks.append(block) }
                } else {
                    topLevelBlock(b)
                }
            }
        }
        model.domainBlocks = domainBlocks
        checkPoolNames()
        checkListenerTLS()
        checkSourceGroups()
        applyPoolDomainBlocks()
        checkReferences()
        return model
    }

    // MARK: - Global directives

    private mutating func global(_ d: DirectiveNode) {
        switch d.key {
        case "host-name": model.hostName = single(d)?.text
        case "postmaster": model.postmaster = single(d)?.text
        case "control-socket": model.controlSocket = single(d)?.text
        case "log-file": model.logFile = single(d)?.text
        case "jobid-header": model.jobIDHeader = single(d)?.text
        case "spool":
            // `spool DIR`: the short form of an empty `<spool DIR>` block.
            if let path = single(d)?.text { model.spools.append(SpoolSettings(path: path, location: d.location)) }
        case "http-mgmt-port":
            model.httpManagement = parse(d) { (t: String) throws(ValueError) in
                try ListenAddress(parsing: t, allowBarePort: true)
            }
        case "http-access": httpAccess(d)
        case "smtp-listener": smtpListenerDirective(d)
        case "smtp-server-tls-certificate": serverTLSCertificate(d)
        case "dns-server", "name-server": dnsServer(d)
        case "relay-domain":
            if let word = single(d) {
                do {
                    _ = try DomainPattern(parsing: word.text)
                    model.relayDomains.append(word.text.lowercased())
                } catch {
                    self.error(word.location, "invalid value for 'relay-domain': \(error)")
                }
            }
        case "total-max-smtp-in": model.totalMaxSMTPIn = parse(d, Self.parseConnectionCount) ?? nil
        case "total-max-smtp-out": model.totalMaxSMTPOut = parse(d, Self.parseConnectionCount) ?? nil
        case "smtp-in-command-timeout":
            model.smtpInCommandTimeout = parse(d) { (t: String) throws(ValueError) in try TimeSpan(parsing: t) }
        case "smtp-in-min-data-rate":
            model.smtpInMinimumDataRate = parse(d) { (t: String) throws(ValueError) in
                try ByteSize(parsing: t.lowercased().hasSuffix("/s") ? String(t.dropLast(2)) : t)
            }
        case "smtp-in-message-memory":
            model.smtpInMessageMemory = parse(d) { (t: String) throws(ValueError) in try ByteSize(parsing: t) }
        case "domain-key":
            if let key = domainKey(d, among: model.domainKeys, scope: "the top level") { model.domainKeys.append(key) }
        case "domain-macro": break // collected before the blocks
        default: unknownDirective(d, in: "at the top level", known: Self.globalDirectives)
        }
    }

    /// `dns-server 192.0.2.53[:PORT]` (PowerMTA's documentation also writes `name-server`): one IPv4 name server (the resolver takes one; a list is
    /// an error rather than silently using part of it).
    private mutating func dnsServer(_ d: DirectiveNode) {
        guard let word = single(d) else { return }
        let text = word.text.contains(":") ? word.text : word.text + ":53"
        guard !word.text.contains(","), let address = try? ListenAddress(parsing: text), case .v4 = address.address else {
            error(word.location, "invalid value for '\(d.name.text)': expected one IPv4 name server such as 192.0.2.53 "
                               + "or 127.0.0.1:5353, found '\(word.text)'")
            return
        }
        model.dnsServer = address
    }

    private mutating func httpAccess(_ d: DirectiveNode) {
        guard d.arguments.count == 2 else {
            error(d.valueLocation, "http-access takes a client address and a level, e.g. http-access 127.0.0.1 admin")
            return
        }
        let clients: CIDR
        do { clients = try CIDR(parsing: d.arguments[0].text) } catch {
            self.error(d.arguments[0].location, "invalid value for 'http-access': \(error)")
            return
        }
        guard let level = HTTPAccessLevel(rawValue: d.arguments[1].text.lowercased()) else {
            error(d.arguments[1].location, "invalid value for 'http-access': expected none, monitor or admin, "
                                         + "found '\(d.arguments[1].text)'")
            return
        }
        model.httpAccess.append(HTTPAccessRule(clients: clients, level: level, location: d.location))
    }

    // MARK: - Blocks

    private mutating func topLevelBlock(_ b: BlockNode) {
        switch b.name.text {
        case "source": source(b)
        case "smtp-listener": listener(b)
        case "virtual-mta": virtualMTA(b)
        case "virtual-mta-pool": pool(b)
        case "smtp-pattern-list": smtpPatternList(b)
        case "bounce-category-patterns": bounceCategoryPatterns(b)
        case "acct-file": acctFile(b)
        case "spool": spool(b)
        case "pattern-list": patternList(b)
        case "smtp-user": smtpUser(b)
        case "mx-rollup-list": mxRollupList(b)
        case "source-group": sourceGroup(b)
        case "rewrite-list": rewriteList(b)
        case "bounce-processor": inboundProcessor(b, kind: .bounce)
        case "feedback-loop-processor": inboundProcessor(b, kind: .feedbackLoop)
        case "suppression": suppression(b)
        case "warmup-schedule": warmupSchedule(b)
        case "blocklist-watch": blocklistWatch(b)
        case "cluster": cluster(b)
        case "smtp-pattern":
            unknown(b.start, "'<smtp-pattern>' is not a PowerMTA block and is ignored; use <smtp-pattern-list NAME> "
                           + "with lines such as reply /^421 4\\.7\\.0/ mode=backoff")
        default: unknownBlock(b)
        }
    }

    /// Reports a nested block that is not allowed where it is, then checks its contents as if it
    /// were at the top level so that their errors are reported too (a misplaced `<domain>` is
    /// checked but not used).
    mutating func misplaced(_ b: BlockNode, inside parent: String) {
        guard Self.topLevelBlocks.contains(b.name.text) || b.name.text == "smtp-pattern" else {
            unknownBlock(b)
            return
        }
        error(b.start, "'<\(b.name.text)>' may not appear inside '<\(parent)>'")
        if b.name.text == "domain" { _ = domainBlock(b) } else { topLevelBlock(b) }
    }

    // MARK: - Diagnostics helpers

    mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, location, message))
    }

    /// Something worth knowing that changes nothing the operator wrote: a note.
    mutating func note(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.note, location, message))
    }

    /// Something unknown: a warning, or an error under `--strict`.
    mutating func unknown(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(strict ? .error : .warning, location, message))
    }

    /// An unknown directive, with the nearest known name of its context (`<acct-file>` or a
    /// phrase such as "at the top level").
    /// A `<domain>` directive outside a `<domain>` block gets a hint to move it.
    mutating func unknownDirective(_ d: DirectiveNode, in context: String, known: [String]) {
        if let known = PowerMTACompatibility.diagnostic(for: d.key, written: d.name.text, at: d.location, strict: strict) {
            // Known: its own severity, even with --strict.
            diagnostics.append(known)
            return
        }
        if DomainDirective.named(d.key) != nil {
            unknown(d.location, "'\(d.name.text)' is a <domain> directive; put it inside <domain *> "
                              + (context.hasPrefix("<") ? "within this \(context)" : "to apply it to every domain"))
            return
        }
        let place = context.hasPrefix("<") ? "in \(context)" : context
        var message = "unknown directive '\(d.name.text)' \(place)"
        if let near = nearestName(to: d.key, among: known) { message += "; did you mean '\(near)'?" }
        unknown(d.location, message)
    }

    /// An unknown block: reported, its contents ignored.
    mutating func unknownBlock(_ b: BlockNode) {
        if let known = PowerMTACompatibility.diagnostic(for: "<\(b.name.text)>", written: "<\(b.name.text)>", at: b.start, strict: strict) {
            diagnostics.append(known)
            return
        }
        var message = "unknown block '<\(b.name.text)>'; its contents are ignored"
        if let near = nearestName(to: b.name.text, among: Self.topLevelBlocks) {
            message += "; did you mean '<\(near)>'?"
        }
        unknown(b.start, message)
    }

    /// The directive's only argument, or nil after an error.
    mutating func single(_ d: DirectiveNode) -> Word? {
        guard let first = d.arguments.first else {
            error(d.location, "'\(d.name.text)' needs a value")
            return nil
        }
        guard d.arguments.count == 1 else {
            error(d.arguments[1].location, "'\(d.name.text)' takes one value; unexpected '\(d.arguments[1].text)'")
            return nil
        }
        return first
    }

    /// The directive's value parsed by `parser`, or nil after an error at the value.
    mutating func parse<T>(_ d: DirectiveNode, _ parser: (String) throws(ValueError) -> T) -> T? {
        guard let word = single(d) else { return nil }
        do { return try parser(word.text) } catch {
            self.error(word.location, "invalid value for '\(d.name.text)': \(error)")
            return nil
        }
    }

    /// A connection limit: a positive whole number, or `unlimited` (nil).
    static func parseConnectionCount(_ text: String) throws(ValueError) -> Int? {
        if text.lowercased() == "unlimited" { return nil }
        guard let count = Int(text), count > 0 else {
            throw ValueError(expected: "a number of connections such as 200, or unlimited", found: text)
        }
        return count
    }

    /// The directive's value as yes/no, or nil after an error.
    mutating func bool(_ d: DirectiveNode) -> Bool? { parse(d, parseBool) }

    /// The block's one name argument, or nil after an error at the tag.
    mutating func blockName(_ b: BlockNode, example: String) -> String? {
        guard b.arguments.count == 1, let name = b.arguments.first?.text, !name.isEmpty else {
            error(b.arguments.count > 1 ? b.arguments[1].location : b.start,
                  "'<\(b.name.text)>' takes one name, e.g. \(example)")
            return nil
        }
        return name
    }

    /// Parses a regex literal word `/…/` or `/…/i`, or reports an error at it.
    mutating func regex(_ word: Word) -> PatternRegex? {
        let text = word.text
        guard text.hasPrefix("/"), let close = text.lastIndex(of: "/"), close > text.startIndex else {
            if text.hasPrefix("/") {
                error(word.location, "regular expression '\(text)…' is not closed on this line; a pattern must be "
                                   + "on one line, between slashes such as /^421 4\\.7\\.0/")
            } else {
                error(word.location, "expected a regular expression between slashes such as /^421 4\\.7\\.0/, "
                                   + "found '\(text)'")
            }
            return nil
        }
        let flags = text[text.index(after: close)...]
        guard flags.isEmpty || flags == "i" else {
            error(word.location, "unknown regular expression flag '\(flags)'; only 'i' is supported")
            return nil
        }
        let body = String(text[text.index(after: text.startIndex)..<close])
        do { return try PatternRegex(body, caseInsensitive: flags == "i") } catch {
            self.error(word.location, "\(error)")
            return nil
        }
    }
}
