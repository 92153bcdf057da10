extension ModelBuilder {
    // MARK: - <smtp-pattern-list>

    mutating func smtpPatternList(_ b: BlockNode) {
        guard let name = blockName(b, example: "<smtp-pattern-list backoff-errors>") else { return }
        if let first = model.smtpPatternLists[name] {
            error(b.argumentLocation, "duplicate smtp-pattern-list '\(name)'; first defined at "
                                    + "\(first.location.map(\.description) ?? "?")")
            return
        }
        var rules: [SMTPPatternRule] = []
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "smtp-pattern-list")
            case .directive(let d) where d.key == "reply":
                if let rule = smtpPatternRule(d) { rules.append(rule) }
            case .directive(let d): unknownDirective(d, in: "<smtp-pattern-list>", known: ["reply"])
            }
        }
        model.smtpPatternLists[name] = SMTPPatternList(name: name, rules: rules, location: b.start)
    }

    private mutating func smtpPatternRule(_ d: DirectiveNode) -> SMTPPatternRule? {
        guard let first = d.arguments.first else {
            error(d.location, "reply needs a pattern and an action, e.g. reply /^421 4\\.7\\.0/ mode=backoff")
            return nil
        }
        guard let regex = regex(first) else { return nil }
        guard d.arguments.count > 1 else {
            warning(d.location, "reply has no action after the pattern, so it does nothing; add mode=backoff, "
                              + "mode=normal, bounce-queue, bounce-rcpt or disable-source-ip")
            return nil
        }
        var actions: [SMTPPatternAction] = []
        for word in d.arguments.dropFirst() {
            guard let action = smtpPatternAction(word) else { return nil }
            actions.append(action)
        }
        return SMTPPatternRule(regex: regex, actions: actions, location: d.location)
    }

    private mutating func smtpPatternAction(_ word: Word) -> SMTPPatternAction? {
        do { return try SMTPPatternAction(parsing: word.text) } catch {
            if word.text.lowercased().hasPrefix("disable-source-ip=") {
                self.error(word.location, "invalid value for 'disable-source-ip': \(error)")
            } else {
                self.error(word.location, "unknown action '\(word.text)'; expected \(SMTPPatternAction.expectedActions)")
            }
            return nil
        }
    }

    // MARK: - <bounce-category-patterns>

    mutating func bounceCategoryPatterns(_ b: BlockNode) {
        let names = BounceCategory.standard.map(\.rawValue)
        for child in b.children {
            guard case .directive(let d) = child else {
                if case .block(let nested) = child { misplaced(nested, inside: "bounce-category-patterns") }
                continue
            }
            // `/regex/category` with no space between them (seen in real files) is the pattern
            // and its category.
            var arguments = d.arguments
            var patternWord = d.name
            if arguments.isEmpty, let (pattern, category) = Self.splitAttachedWord(d.name) {
                patternWord = pattern
                arguments = [category]
            }
            guard let regex = regex(patternWord) else { continue }
            guard arguments.count == 1, let word = arguments.first else {
                error(arguments.count > 1 ? arguments[1].location : d.location,
                      "expected one bounce category after the pattern, e.g. /^5\\.1\\.1/ bad-mailbox")
                continue
            }
            let category: BounceCategory
            if let standard = BounceCategory.standard(named: word.text) {
                category = standard
            } else {
                // PowerMTA records an invented category as written (real configurations use
                // `invalid-mailbox`, `spam-issue`, `AOL-RTR-block`…): a note, with the standard name
                // it is closest to in case it is a typo.
                category = BounceCategory(rawValue: word.text)
                var message = "'\(word.text)' is not a standard bounce category; it is recorded as written in bounceCat "
                    + "and counted under its own name"
                if let near = nearestName(to: word.text, among: names) { message += " (did you mean '\(near)'?)" }
                note(word.location, message)
            }
            model.bounceCategoryRules.append(BounceCategoryRule(regex: regex, category: category, location: d.location))
        }
    }

    /// `/regex/word` as its two parts, when the letters after the closing slash are not regex
    /// flags; nil otherwise.
    static func splitAttachedWord(_ word: Word) -> (Word, Word)? {
        let text = Array(word.text)
        guard text.first == "/", let close = text.lastIndex(of: "/"), close > 0, close + 1 < text.count else { return nil }
        let rest = String(text[(close + 1)...])
        guard rest != "i", rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var restLocation = word.location
        restLocation.column += close + 1
        return (Word(text: String(text[...close]), location: word.location), Word(text: rest, location: restLocation))
    }

    // MARK: - <pattern-list>

    mutating func patternList(_ b: BlockNode) {
        guard let name = blockName(b, example: "<pattern-list routing>") else { return }
        if let first = model.patternLists[name] {
            error(b.argumentLocation, "duplicate pattern-list '\(name)'; first defined at \(first.location)")
            return
        }
        var rules: [PatternListRule] = []
        for child in b.children {
            guard case .directive(let d) = child else {
                if case .block(let nested) = child { misplaced(nested, inside: "pattern-list") }
                continue
            }
            guard let field = PatternListField(rawValue: d.key) else {
                unknownDirective(d, in: "<pattern-list>", known: PatternListField.allCases.map(\.rawValue))
                continue
            }
            guard d.arguments.count == 2 else {
                error(d.valueLocation, "expected a pattern and an action, e.g. \(field.rawValue) /@example\\.com$/ "
                                     + "virtual-mta=vmta1")
                continue
            }
            guard let regex = regex(d.arguments[0]) else { continue }
            let action = d.arguments[1]
            guard action.text.lowercased().hasPrefix("virtual-mta="), action.text.count > 12 else {
                error(action.location, "unknown action '\(action.text)'; expected virtual-mta=NAME")
                continue
            }
            let target = String(action.text.dropFirst(12))
            var location = action.location
            location.column += 12
            references.append(Reference(kind: .virtualMTAOrPool, name: target, location: location,
                                        context: "pattern-list '\(name)'"))
            rules.append(PatternListRule(field: field, regex: regex, virtualMTA: target, location: d.location))
        }
        model.patternLists[name] = PatternList(name: name, rules: rules, location: b.start)
    }

    // MARK: - <mx-rollup-list>

    mutating func mxRollupList(_ b: BlockNode) {
        guard b.arguments.count <= 1 else {
            error(b.arguments[1].location, "'<mx-rollup-list>' takes at most one name")
            return
        }
        let name = b.arguments.first?.text ?? "default"
        var entries: [MXRollupList.Entry] = []
        for child in b.children {
            switch child {
            case .block(let nested): misplaced(nested, inside: "mx-rollup-list")
            case .directive(let d) where d.key == "mx":
                guard (1...2).contains(d.arguments.count) else {
                    error(d.valueLocation, "expected an MX host pattern and an optional queue name, "
                                         + "e.g. mx *.google.com gmail.rollup")
                    continue
                }
                let pattern = d.arguments[0].text.lowercased()
                do { _ = try DomainPattern(parsing: pattern) } catch {
                    self.error(d.arguments[0].location, "invalid value for 'mx': \(error)")
                    continue
                }
                let queue = d.arguments.count == 2 ? d.arguments[1].text : pattern
                entries.append(MXRollupList.Entry(hostPattern: pattern, queueName: queue, location: d.location))
            case .directive(let d): unknownDirective(d, in: "<mx-rollup-list>", known: ["mx"])
            }
        }
        if model.mxRollupLists[name] != nil {
            error(b.start, "duplicate mx-rollup-list '\(name)'")
            return
        }
        model.mxRollupLists[name] = MXRollupList(name: name, entries: entries, location: b.start)
    }
}
