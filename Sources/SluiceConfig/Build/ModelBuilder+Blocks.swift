extension ModelBuilder {
    // MARK: - <source>

    /// Directives of `<smtp-listener>`.
    static let listenerDirectives = ["source", "tls"]
    /// Directives of `<virtual-mta>` (besides nested `<domain>` blocks).
    static let virtualMTADirectives = ["smtp-source-host", "domain-key", "warmup-schedule"]
    /// Directives of `<virtual-mta-pool>` (besides nested `<domain>` blocks).
    static let poolDirectives = ["virtual-mta", "cold-virtual-mta"]
    /// Directives of `<spool>`.
    static let spoolDirectives = ["delete-file-holders", "min-free-space", "deliver-only"]
    /// Directives of `<smtp-user>`.
    static let smtpUserDirectives = ["password", "source", "authentication-method"]

    static let sourceDirectives = [
        "smtp-service", "always-allow-relaying", "require-auth", "process-x-virtual-mta", "default-virtual-mta",
        "allow-starttls", "require-starttls-before-auth",
        "max-message-size", "pattern-list", "add-message-id-header", "add-date-header", "log-connections",
        "max-smtp-in", "max-smtp-in-rate", "add-received-header", "hide-message-source",
        "allow-unencrypted-plain-auth", "max-rcpt-per-message", "process-x-job", "retain-x-job", "retain-x-virtual-mta",
        "remove-received-headers", "remove-header", "jobid-header", "source-group", "rewrite-list", "dkim-sign",
        "suppress-local-dsn", "verp-default",
    ]

    mutating func source(_ b: BlockNode) {
        guard let argument = blockName(b, example: "<source 127.0.0.1>, <source 10.0.0.0/8> or <source {auth}>")
        else { return }
        let match: SourceBlock.Match
        if argument.hasPrefix("{") {
            guard argument.hasSuffix("}"), argument.count > 2 else {
                error(b.argumentLocation, "expected a source name in braces such as {auth}, found '\(argument)'")
                return
            }
            match = .named(String(argument.dropFirst().dropLast()))
        } else {
            do { match = .addresses(try CIDR(parsing: argument)) } catch {
                self.error(b.argumentLocation, "invalid value for '<source>': \(error); or a name such as {auth}")
                return
            }
        }
        var source = SourceBlock(match: match, location: b.start)
        for child in b.children {
            guard case .directive(let d) = child else {
                if case .block(let nested) = child { misplaced(nested, inside: "source") }
                continue
            }
            switch d.key {
            case "smtp-service": bool(d).map { source.smtpService = $0 }
            case "allow-starttls": source.allowStartTLS = bool(d)
            case "require-starttls-before-auth": source.allowUnencryptedPlainAuth = bool(d).map { !$0 }
            case "always-allow-relaying": bool(d).map { source.alwaysAllowRelaying = $0 }
            case "require-auth": bool(d).map { source.requireAuth = $0 }
            case "process-x-virtual-mta": bool(d).map { source.processXVirtualMTA = $0 }
            case "add-message-id-header": bool(d).map { source.addMessageIdHeader = $0 }
            case "add-date-header": bool(d).map { source.addDateHeader = $0 }
            case "log-connections": bool(d).map { source.logConnections = $0 }
            case "max-smtp-in": source.maxSMTPIn = parse(d, Self.parseConnectionCount) ?? nil
            case "add-received-header": source.addReceivedHeader = bool(d)
            case "process-x-job": source.processXJob = bool(d)
            case "retain-x-job": source.retainXJob = bool(d)
            case "retain-x-virtual-mta": source.retainXVirtualMTA = bool(d)
            case "hide-message-source": source.hideMessageSource = bool(d)
            case "remove-received-headers": source.removeReceivedHeaders = bool(d)
            case "remove-header":
                source.removedHeaders += d.arguments.flatMap { $0.text.split(separator: ",").map(String.init) }
                if d.arguments.isEmpty { error(d.location, "'remove-header' needs a header name, e.g. remove-header X-Mailer") }
            case "jobid-header":
                if let word = single(d) { source.jobIDHeader = word.text }
            case "rewrite-list": referencedName(d, kind: .rewriteList).map { source.rewriteList = $0 }
            case "source-group": referencedName(d, kind: .sourceGroup).map { source.sourceGroup = $0 }
            case "allow-unencrypted-plain-auth": source.allowUnencryptedPlainAuth = bool(d)
            case "max-rcpt-per-message":
                source.maxRcptPerMessage = parse(d) { (t: String) throws(ValueError) in
                    guard let n = Int(t), n > 0 else {
                        throw ValueError(expected: "a number of recipients such as 100", found: t)
                    }
                    return n
                }
            case "max-smtp-in-rate":
                source.maxSMTPInRate = parse(d) { (t: String) throws(ValueError) in try Rate(parsing: t) }
            case "max-message-size":
                // `unlimited` (PowerMTA's stock sample): no limit of the source's own; the node's
                // smtp-in-message-memory still bounds a message.
                source.maxMessageSize = parse(d) { (t: String) throws(ValueError) in
                    t.lowercased() == "unlimited" ? ByteSize.unlimited : try ByteSize(parsing: t)
                }
            case "default-virtual-mta":
                if let name = single(d) {
                    source.defaultVirtualMTA = name.text
                    // PowerMTA's by-smtp-source-ip: the vmta whose source address received the
                    // message, chosen per message (see SourceBlock.bySMTPSourceIP).
                    guard name.text.lowercased() != SourceBlock.bySMTPSourceIP else {
                        source.defaultVirtualMTA = SourceBlock.bySMTPSourceIP
                        break
                    }
                    references.append(Reference(kind: .virtualMTAOrPool, name: name.text, location: name.location,
                                                context: "default-virtual-mta"))
                }
            case "pattern-list": referencedName(d, kind: .patternList).map { source.patternList = $0 }
            case "dkim-sign": source.dkimSign = bool(d)
            case "suppress-local-dsn": source.suppressLocalDSN = bool(d)
            case "verp-default": source.verpDefault = bool(d)
            default: unknownDirective(d, in: "<source>", known: Self.sourceDirectives)
            }
        }
        model.sources.append(source)
    }

    // MARK: - <smtp-listener>

    mutating func listener(_ b: BlockNode) {
        guard let argument = b.arguments.first?.text, !argument.isEmpty else {
            error(b.start, "'<smtp-listener>' takes an address, e.g. <smtp-listener 127.0.0.1:2525>")
            return
        }
        let address: ListenAddress
        do { address = try ListenAddress(parsing: argument) } catch {
            self.error(b.argumentLocation, "invalid value for '<smtp-listener>': \(error)")
            return
        }
        var listener = SMTPListener(address: address, location: b.start)
        for option in b.arguments.dropFirst() {
            if let implicitTLS = listenerOption(option, context: "<smtp-listener>") { listener.implicitTLS = implicitTLS }
        }
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "smtp-listener")
            case .directive(let d) where d.key == "tls": bool(d).map { listener.implicitTLS = $0 }
            case .directive(let d) where d.key == "source":
                if let word = single(d) { listener.sourceName = namedSource(word, context: "smtp-listener source") }
            case .directive(let d): unknownDirective(d, in: "<smtp-listener>", known: Self.listenerDirectives)
            }
        }
        model.smtpListeners.append(listener)
    }

    /// `{name}` in a `source` directive: recorded as a reference, returned without braces.
    private mutating func namedSource(_ word: Word, context: String) -> String? {
        guard word.text.hasPrefix("{"), word.text.hasSuffix("}"), word.text.count > 2 else {
            error(word.location, "expected a source name in braces such as {auth}, found '\(word.text)'")
            return nil
        }
        let name = String(word.text.dropFirst().dropLast())
        references.append(Reference(kind: .namedSource, name: name, location: word.location, context: context))
        return name
    }

    // MARK: - <virtual-mta>, <virtual-mta-pool>

    mutating func virtualMTA(_ b: BlockNode) {
        guard let name = blockName(b, example: "<virtual-mta vmta1>") else { return }
        if let first = model.virtualMTAs[name] {
            error(b.argumentLocation, "duplicate virtual-mta '\(name)'; first defined at \(first.location)")
            return
        }
        var vmta = VirtualMTA(name: name, location: b.start)
        for child in b.children {
            switch child {
            case .block(let nested) where nested.name.text == "domain":
                if let block = domainBlock(nested) { vmta.domainBlocks.append(block) }
            case .block(let nested): misplaced(nested, inside: "virtual-mta")
            case .directive(let d) where d.key == "smtp-source-host":
                guard (1...2).contains(d.arguments.count) else {
                    error(d.valueLocation, "smtp-source-host takes an address and a host name, "
                                         + "e.g. smtp-source-host 127.0.0.10 mta1.example.com")
                    continue
                }
                guard let address = IPAddress(d.arguments[0].text) else {
                    error(d.arguments[0].location, "invalid value for 'smtp-source-host': expected an IPv4 or IPv6 "
                                                 + "address, found '\(d.arguments[0].text)'")
                    continue
                }
                vmta.sourceHosts.append(SourceHost(address: address, hostName: d.arguments.count == 2 ? d.arguments[1].text : nil))
            case .directive(let d) where d.key == "domain-key":
                if let key = domainKey(d, among: vmta.domainKeys, scope: "virtual-mta '\(name)'") { vmta.domainKeys.append(key) }
            case .directive(let d) where d.key == "warmup-schedule":
                referencedName(d, kind: .warmupSchedule).map { vmta.warmupSchedule = $0 }
            case .directive(let d): unknownDirective(d, in: "<virtual-mta>", known: Self.virtualMTADirectives)
            }
        }
        model.setVirtualMTA(vmta)
    }

    mutating func pool(_ b: BlockNode) {
        guard let name = blockName(b, example: "<virtual-mta-pool warm>") else { return }
        if let first = model.pools[name] {
            error(b.argumentLocation, "duplicate virtual-mta-pool '\(name)'; first defined at \(first.location)")
            return
        }
        var members: [String] = []
        var coldMembers: [String] = []
        var domains: [DomainBlock] = []
        for child in b.children {
            switch child {
            case .block(let nested) where nested.name.text == "domain":
                if let block = domainBlock(nested) { domains.append(block) }
            case .block(let nested): misplaced(nested, inside: "virtual-mta-pool")
            case .directive(let d) where d.key == "virtual-mta" || d.key == "cold-virtual-mta":
                guard let member = single(d) else { continue }
                if (members + coldMembers).contains(member.text) {
                    error(member.location, "virtual-mta '\(member.text)' is already a member of pool '\(name)'; "
                                         + "list each member once, as virtual-mta (warm) or cold-virtual-mta (cold)")
                    continue
                }
                if d.key == "virtual-mta" { members.append(member.text) } else { coldMembers.append(member.text) }
                references.append(Reference(kind: .virtualMTA, name: member.text, location: member.location,
                                            context: "pool '\(name)'"))
            case .directive(let d): unknownDirective(d, in: "<virtual-mta-pool>", known: Self.poolDirectives)
            }
        }
        if members.isEmpty && coldMembers.isEmpty { warning(b.start, "virtual-mta-pool '\(name)' has no members") }
        model.pools[name] = VirtualMTAPool(name: name, members: members, coldMembers: coldMembers, domainBlocks: domains,
                                           location: b.start)
    }

    /// Gives each pool's nested `<domain>` blocks to its members, ahead of the member's own
    /// nested blocks: a vmta's own block wins over its pool's of the same specificity, and a
    /// pool's block never reaches a vmta outside the pool.
    mutating func applyPoolDomainBlocks() {
        for pool in model.pools.values.sorted(by: { $0.location < $1.location }) where !pool.domainBlocks.isEmpty {
            for member in pool.allMembers {
                guard var vmta = model.virtualMTAs[member] else { continue }
                vmta.domainBlocks = pool.domainBlocks + vmta.domainBlocks
                model.setVirtualMTA(vmta)
            }
        }
    }

    /// Reports pools that share a name with a vmta (a queue name would be ambiguous).
    mutating func checkPoolNames() {
        for pool in model.pools.values.sorted(by: { $0.location < $1.location })
        where model.virtualMTAs[pool.name] != nil {
            error(pool.location, "virtual-mta-pool '\(pool.name)' has the same name as a virtual-mta")
        }
    }

    // MARK: - <spool>, <smtp-user>

    mutating func spool(_ b: BlockNode) {
        guard let path = blockName(b, example: "<spool /var/spool/sluice>") else { return }
        var spool = SpoolSettings(path: path, location: b.start)
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "spool")
            case .directive(let d) where d.key == "delete-file-holders":
                bool(d).map { spool.deleteFileHolders = $0 }
            case .directive(let d) where d.key == "deliver-only":
                // PowerMTA: a spool that only drains. Sluice has one spool, which takes new mail;
                // `no` is that already, `yes` would silently be ignored, so it is an error.
                if bool(d) == true {
                    error(d.location, "deliver-only yes is not supported: Sluice has one spool, and it takes new mail "
                                    + "(docs/pmta-compat.md#deliver-only)")
                }
            case .directive(let d) where d.key == "min-free-space":
                spool.minimumFreeSpace = parse(d) { (t: String) throws(ValueError) in try ByteSize(parsing: t) }
            case .directive(let d):
                unknownDirective(d, in: "<spool>", known: Self.spoolDirectives)
            }
        }
        model.spools.append(spool)
    }

    mutating func smtpUser(_ b: BlockNode) {
        guard let name = blockName(b, example: "<smtp-user app1>") else { return }
        var user = SMTPUser(name: name, location: b.start)
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "smtp-user")
            case .directive(let d) where d.key == "password": user.password = single(d)?.text
            case .directive(let d) where d.key == "source":
                if let word = single(d) { user.sourceName = namedSource(word, context: "smtp-user source") }
            case .directive(let d) where d.key == "authentication-method":
                // PowerMTA's default and the only method Sluice has: the password given here.
                if let word = single(d), word.text.lowercased() != "password" {
                    error(word.location, "authentication-method '\(word.text)' is not supported: Sluice checks the "
                                       + "password given in <smtp-user> (authentication-method password)")
                }
            case .directive(let d):
                unknownDirective(d, in: "<smtp-user>", known: Self.smtpUserDirectives)
            }
        }
        if let first = model.smtpUsers[name] {
            error(b.argumentLocation, "duplicate smtp-user '\(name)'; first defined at \(first.location)")
            return
        }
        model.smtpUsers[name] = user
    }

    /// The directive's one name, recorded as a reference of `kind` to check once every block is
    /// read (the context is the directive's name).
    mutating func referencedName(_ d: DirectiveNode, kind: Reference.Kind) -> String? {
        guard let word = single(d) else { return nil }
        references.append(Reference(kind: kind, name: word.text, location: word.location, context: d.key))
        return word.text
    }
}
