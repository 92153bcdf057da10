/// What `check-config` prints: every error, and each warning or note at most `repeats` times
/// with the same message, then one note counting the rest, so that 64 `<domain>` blocks with the
/// same unsupported directive read as three lines and a count instead of 64.
public enum DiagnosticReport {
    /// The lines to print for `diagnostics`: in their order, the counts at the end.
    public static func lines(_ diagnostics: [Diagnostic], repeats: Int = 3) -> [String] {
        var seen: [String: Int] = [:]
        var folded: [String: [Diagnostic]] = [:]
        var foldedOrder: [String] = []
        var lines: [String] = []
        for diagnostic in diagnostics {
            guard diagnostic.severity != .error else {
                lines.append(diagnostic.description)
                continue
            }
            let key = "\(diagnostic.severity.rawValue)\u{0}\(diagnostic.message)"
            seen[key, default: 0] += 1
            if seen[key, default: 0] <= repeats {
                lines.append(diagnostic.description)
            } else {
                if folded[key] == nil { foldedOrder.append(key) }
                folded[key, default: []].append(diagnostic)
            }
        }
        for key in foldedOrder {
            guard let rest = folded[key], let first = rest.first else { continue }
            let lineNumbers = rest.prefix(8).map { "\($0.location.line)" }.joined(separator: ", ")
            let ellipsis = rest.count > 8 ? ", …" : ""
            let kind = first.severity.rawValue
            let gist = String(first.message.prefix(50)).escapingControlCharacters
            // A note, not another warning: it adds nothing new, and the counts stay those of the
            // diagnostics themselves.
            lines.append("\(first.location.file): note: the \(kind) \"\(gist)…\" repeats on \(rest.count) more "
                         + "line\(rest.count == 1 ? "" : "s") (\(lineNumbers)\(ellipsis)); --all prints each")
        }
        return lines
    }
}
