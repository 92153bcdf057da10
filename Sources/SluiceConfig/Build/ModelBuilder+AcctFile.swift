extension ModelBuilder {
    // MARK: - <acct-file>

    static let acctFileDirectives = [
        "records", "record-fields", "iso-times", "world-readable", "max-size", "move-interval", "move-to",
        "delete-after",
    ]

    /// Directives about the file itself: a pipe block has nothing for them to act on.
    static let acctFileOnlyDirectives: Set<String> = ["world-readable", "max-size", "move-interval", "move-to",
                                                      "delete-after"]

    mutating func acctFile(_ b: BlockNode) {
        guard let target = acctTarget(b) else { return }
        var file = AccountingFile(target: target, location: b.start)
        for child in b.children {
            guard case .directive(let d) = child else {
                if case .block(let nested) = child { misplaced(nested, inside: "acct-file") }
                continue
            }
            switch d.key {
            case "records": file.records = recordTypes(d) ?? file.records
            case "record-fields":
                guard let line = recordFields(d) else { break }
                if let earlier = file.recordFields.firstIndex(where: { $0.type == line.type }) {
                    warning(d.location, "a second record-fields line for '\(line.type.rawValue)' records replaces the one "
                                      + "at \(file.recordFields[earlier].location); keep one line per record type")
                    file.recordFields.remove(at: earlier)
                }
                file.recordFields.append(line)
            case "world-readable": bool(d).map { file.worldReadable = $0 }
            case "iso-times": bool(d).map { file.isoTimes = $0 }
            case "max-size": file.maxSize = parse(d) { (t: String) throws(ValueError) in try ByteSize(parsing: t) }
            case "move-interval":
                file.moveInterval = parse(d) { (t: String) throws(ValueError) in try TimeSpan(parsing: t) }
            case "move-to": file.moveTo = single(d)?.text
            case "delete-after":
                file.deleteAfter = parse(d) { (t: String) throws(ValueError) in try Expiry(parsing: t) } ?? .never
            default: unknownDirective(d, in: "<acct-file>", known: Self.acctFileDirectives)
            }
            if file.isPipe, Self.acctFileOnlyDirectives.contains(d.key) {
                // Rotation and file mode have nothing to act on: the program owns what it writes.
                warning(d.location, "'\(d.name.text)' has no effect on a pipe <acct-file>: "
                                  + "records go to the program, which owns whatever it writes; remove it")
            }
        }
        for line in file.recordFields where !file.records.contains(line.type) {
            note(line.location, "record-fields for '\(line.type.rawValue)' records has no effect: this <acct-file> "
                              + "does not take them; add \(line.type.rawValue) to its records line")
        }
        model.acctFiles.append(file)
    }

    /// `records d,b,rb`, also with spaces after the commas (`records d, b` as in PowerMTA's
    /// guide); nil after an error at the bad item.
    private mutating func recordTypes(_ d: DirectiveNode) -> Set<AccountingRecordType>? {
        guard !d.arguments.isEmpty else {
            error(d.location, "'records' needs record types, e.g. records d,b,t")
            return nil
        }
        var types = Set<AccountingRecordType>()
        for item in d.arguments.flatMap(splitList) {
            do { types.insert(try AccountingRecordType(parsing: item.text)) } catch {
                self.error(item.location, "invalid value for 'records': \(error)")
                return nil
            }
        }
        return types
    }

    /// `record-fields TYPE FIELD,FIELD,…`: the type (`d` or `delivery`), then fields separated by
    /// commas (spaces after the commas allowed); `*` is every field of the type, `header_NAME` the
    /// value of that message header. nil after an error.
    private mutating func recordFields(_ d: DirectiveNode) -> AccountingRecordFields? {
        guard let typeWord = d.arguments.first, d.arguments.count >= 2 else {
            error(d.arguments.first?.location ?? d.location,
                  "'record-fields' takes a record type and its fields, e.g. record-fields d timeLogged,orig,rcpt,dsnStatus "
                + "or record-fields b *,header_X-Mailer-LID")
            return nil
        }
        let type: AccountingRecordType
        do { type = try AccountingRecordType(parsing: typeWord.text) } catch {
            self.error(typeWord.location, "invalid record type in 'record-fields': \(error)")
            return nil
        }
        let carried = AccountingField.fields(of: type)
        var columns: [AccountingColumn] = []
        var failed = false
        func add(_ column: AccountingColumn) {
            if column != .field(.type), !columns.contains(column) { columns.append(column) }
        }
        for item in d.arguments.dropFirst().flatMap(splitList) {
            if item.text == "*" {
                AccountingField.allCases.filter(carried.contains).forEach { add(.field($0)) }
            } else if item.text.hasPrefix("!"), let field = AccountingField.named(String(item.text.dropFirst())) {
                // `*,!dsnMta`: every field but those (PowerMTA's exclusion form).
                columns.removeAll { $0 == .field(field) }
            } else if item.text.lowercased().hasPrefix(AccountingColumn.headerPrefix) {
                let name = String(item.text.dropFirst(AccountingColumn.headerPrefix.count))
                guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 58 }) else {
                    error(item.location, "expected a header name after 'header_', e.g. header_X-Mailer-LID, "
                                       + "found '\(item.text)'")
                    failed = true
                    continue
                }
                add(.header(name))
            } else if let field = AccountingField.named(item.text) {
                if !carried.contains(field) {
                    warning(item.location, "'\(field.rawValue)' is not a field of \(type.rawValue) records; "
                                         + "its column stays empty in their rows")
                }
                add(.field(field))
            } else {
                var message = "unknown accounting field '\(item.text)' in record-fields"
                let names = AccountingField.allCases.map { $0.rawValue.lowercased() }
                if let near = nearestName(to: item.text, among: names), let field = AccountingField.named(near) {
                    message += "; did you mean '\(field.rawValue)'?"
                } else {
                    message += "; fields are PowerMTA's (timeLogged, orig, rcpt, dsnStatus, …), * for all of them, "
                             + "or header_NAME for a message header"
                }
                error(item.location, message)
                failed = true
            }
        }
        guard !failed else { return nil }
        return AccountingRecordFields(type: type, columns: columns, location: d.location)
    }

    /// The tag's target: one path (`<acct-file /var/log/acct.csv>`), or `|` and a program with
    /// its arguments (`<acct-file |/usr/local/bin/reader --db acct>`, also `| /usr/…`).
    private mutating func acctTarget(_ b: BlockNode) -> AccountingTarget? {
        guard let first = b.arguments.first, first.text.hasPrefix("|") else {
            guard b.arguments.count <= 1 else {
                error(b.arguments[1].location, "'<acct-file>' takes one path, e.g. <acct-file /var/log/sluice/acct.csv>, "
                                             + "or a program after '|', e.g. <acct-file |/usr/local/bin/acct-reader --db acct>")
                return nil
            }
            return blockName(b, example: "<acct-file /var/log/sluice/acct.csv>").map(AccountingTarget.file)
        }
        var words = b.arguments.map(\.text)
        var programLocation = first.location
        if first.text == "|" {
            words.removeFirst()
            programLocation = b.arguments.count > 1 ? b.arguments[1].location : first.location
        } else {
            words[0].removeFirst()
            programLocation.column += 1
        }
        guard let program = words.first, !program.isEmpty else {
            error(first.location, "expected a program after '|', e.g. <acct-file |/usr/local/bin/acct-reader --db acct>")
            return nil
        }
        guard program.hasPrefix("/") else {
            error(programLocation, "the program of a pipe <acct-file> must be an absolute path, found '\(program)'; "
                                 + "e.g. <acct-file |/usr/local/bin/\(program)> (no shell and no PATH search)")
            return nil
        }
        return .pipe(program: program, arguments: Array(words.dropFirst()))
    }
}
