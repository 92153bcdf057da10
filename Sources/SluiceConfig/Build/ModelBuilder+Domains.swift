/// A `domain-macro NAME a,b,$other` line before expansion.
struct MacroDefinition {
    /// The items, `$name` references included.
    var items: [Word]
    /// The directive's position.
    var location: SourceLocation
}

extension ModelBuilder {
    // MARK: - domain-macro

    /// Reads every top-level `domain-macro` (they may be used before they are defined), then
    /// expands them, reporting undefined names and loops at the definition.
    mutating func collectMacros(_ nodes: [SyntaxNode]) {
        var order: [String] = []
        for case .directive(let d) in nodes where d.key == "domain-macro" {
            guard d.arguments.count >= 2 else {
                error(d.valueLocation, "domain-macro takes a name and a list of domains, "
                                     + "e.g. domain-macro yahoo yahoo.com,ymail.com")
                continue
            }
            let name = d.arguments[0].text.lowercased()
            if let previous = macroDefinitions[name] {
                warning(d.arguments[0].location, "domain-macro '\(name)' is defined again (first at \(previous.location)); "
                                               + "this later list replaces it everywhere it is used")
                order.removeAll { $0 == name }
            }
            var items: [Word] = []
            for word in d.arguments.dropFirst() { items += splitList(word) }
            macroDefinitions[name] = MacroDefinition(items: items, location: d.location)
            order.append(name)
        }
        for name in order {
            var visiting: [String] = []
            model.domainMacros[name] = expand(macro: name, visiting: &visiting)
        }
    }

    /// The domains of macro `name`, following `$other` references.
    private mutating func expand(macro name: String, visiting: inout [String]) -> [String] {
        if let done = model.domainMacros[name] { return done }
        guard let definition = macroDefinitions[name] else { return [] }
        visiting.append(name)
        defer { visiting.removeLast() }
        var result: [String] = []
        for item in definition.items {
            if let use = MacroUse(item.text), !use.prefix.isEmpty || !use.suffix.isEmpty {
                // `$gmailish.com` inside a list: the other macro's domains with the suffix.
                let inner = use.name
                if visiting.contains(inner) {
                    let chain = (visiting + [inner]).map { "$" + $0 }.joined(separator: " -> ")
                    error(item.location, "domain-macro loop: \(chain)")
                } else if macroDefinitions[inner] == nil {
                    error(item.location, "undefined domain-macro '$\(inner)'")
                } else {
                    result += expand(macro: inner, visiting: &visiting).map(use.apply)
                }
            } else if item.text.hasPrefix("$") {
                let inner = String(item.text.dropFirst()).lowercased()
                if visiting.contains(inner) {
                    let chain = (visiting + [inner]).map { "$" + $0 }.joined(separator: " -> ")
                    error(item.location, "domain-macro loop: \(chain)")
                } else if macroDefinitions[inner] == nil {
                    error(item.location, "undefined domain-macro '\(item.text)'")
                } else {
                    result += expand(macro: inner, visiting: &visiting)
                }
            } else {
                do {
                    _ = try DomainPattern(parsing: item.text)
                    result.append(item.text.lowercased())
                } catch {
                    self.error(item.location, "invalid value for 'domain-macro': \(error)")
                }
            }
        }
        return result
    }

    /// Splits a word on commas into words with their own columns.
    func splitList(_ word: Word) -> [Word] {
        var words: [Word] = []
        var column = word.location.column
        for piece in word.text.split(separator: ",", omittingEmptySubsequences: false) {
            if !piece.isEmpty {
                var location = word.location
                location.column = column
                words.append(Word(text: String(piece), location: location))
            }
            column += piece.count + 1
        }
        return words
    }

    // MARK: - <domain>

    /// A macro used inside a domain name, with what stands around it: `$gmailish.com`,
    /// `mail.$brands` (PowerMTA expands `domain-macro gmailish gmail,googlemail` in
    /// `<domain $gmailish.com>` to gmail.com and googlemail.com).
    struct MacroUse {
        var prefix: Substring
        /// The macro's name, lowercased.
        var name: String
        var suffix: Substring

        /// nil when `word` uses no macro.
        init?(_ word: String) {
            guard let dollar = word.firstIndex(of: "$") else { return nil }
            let start = word.index(after: dollar)
            let end = word[start...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } ?? word.endIndex
            guard start < end else { return nil }
            prefix = word[..<dollar]
            name = word[start..<end].lowercased()
            suffix = word[end...]
        }

        /// One of the macro's domains with the prefix and suffix around it.
        func apply(_ domain: String) -> String { prefix + domain + suffix }
    }

    /// Every domain `word` names with each macro in it replaced by each of its domains: several
    /// macros give every combination (`$brands.$tlds`); `\$` is read as `$`. nil after an error
    /// (an undefined macro).
    mutating func expandMacros(in word: Word) -> [String]? {
        var pending = [word.text.replacingOccurrences(of: "\\$", with: "$")]
        var done: [String] = []
        while let text = pending.popLast() {
            guard let use = MacroUse(text) else { done.append(text); continue }
            guard let domains = model.domainMacros[use.name] else {
                error(word.location, "undefined domain-macro '$\(use.name)'")
                return nil
            }
            pending += domains.reversed().map(use.apply)
        }
        return done
    }

    /// Reads a `<domain PATTERN[, …]>` block; nil when it names no valid domain.
    mutating func domainBlock(_ b: BlockNode) -> DomainBlock? {
        var patterns: [DomainPattern] = []
        for word in b.arguments.flatMap(splitList) {
            if word.text.hasPrefix("{") && word.text.hasSuffix("}") {
                unknown(word.location, "'<domain \(word.text)>' names one of PowerMTA's internal queues, which Sluice "
                                     + "does not have: the block applies to nothing")
            } else if MacroUse(word.text) != nil {
                guard let domains = expandMacros(in: word) else { continue }
                for domain in domains {
                    do { patterns.append(try DomainPattern(parsing: domain)) } catch {
                        self.error(word.location, "invalid domain in '<domain>': '\(word.text)' gives \(error)")
                    }
                }
            } else {
                do { patterns.append(try DomainPattern(parsing: word.text)) } catch {
                    self.error(word.location, "invalid domain in '<domain>': \(error)")
                }
            }
        }
        if b.arguments.isEmpty {
            error(b.start, "'<domain>' needs a domain, e.g. <domain gmail.com>, <domain *.example.com> or <domain *>")
        }
        var entries: [DomainEntry] = []
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "domain")
            case .directive(let d):
                if let entry = domainEntry(d) { entries.append(entry) }
            }
        }
        guard !patterns.isEmpty else { return nil }
        return DomainBlock(patterns: patterns, entries: entries, location: b.start)
    }

    /// Checks one `<domain>` directive; nil (after a diagnostic) when unknown or invalid.
    private mutating func domainEntry(_ d: DirectiveNode) -> DomainEntry? {
        guard let directive = DomainDirective.named(d.key) else {
            // DomainKeys is historic: `dk-sign no` asks for nothing, `dk-sign yes` warns.
            if d.key == "dk-sign", (try? parseBool(d.value)) == false { return nil }
            if let known = PowerMTACompatibility.diagnostic(for: d.key, written: d.name.text, at: d.location, strict: strict) {
                diagnostics.append(known)
                return nil
            }
            var message = "unknown directive '\(d.name.text)' in <domain>"
            if let near = DomainDirective.nearest(to: d.key) { message += "; did you mean '\(near)'?" }
            unknown(d.location, message)
            return nil
        }
        guard !d.arguments.isEmpty else {
            error(d.location, "'\(d.name.text)' needs a value")
            return nil
        }
        let value = d.value
        do { try directive.validate(value) } catch {
            self.error(d.valueLocation, "invalid value for '\(d.name.text)': \(error)")
            return nil
        }
        let entry = DomainEntry(name: directive.name, value: value, location: d.location,
                                valueLocation: d.valueLocation)
        if directive.name == "dkim-algorithm", value.lowercased() == "rsa-sha1" {
            warning(d.valueLocation, "'dkim-algorithm rsa-sha1' is obsolete (RFC 8301) and verifiers reject it; "
                                     + "Sluice signs with rsa-sha256 instead")
        }
        if directive.name == "smtp-pattern-list" {
            references.append(Reference(kind: .smtpPatternList, name: value, location: d.valueLocation,
                                        context: "smtp-pattern-list"))
        }
        if directive.name == "backoff-reroute-to-virtual-mta" {
            references.append(Reference(kind: .virtualMTA, name: value, location: d.valueLocation,
                                        context: "backoff-reroute-to-virtual-mta"))
        }
        return entry
    }
}
