/// Reply templates' placeholders (SluiceCore's `DiagnosticTemplate` writes them, the console and
/// the control plane read them) and the `<smtp-pattern-list>` pattern that matches every reply of
/// a template: what the Patterns view's reply rules are drafted from.
public enum TemplatePattern {
    /// Placeholder of an email address.
    public static let address = "{addr}"
    /// Placeholder of an IPv4 or IPv6 address.
    public static let ip = "{ip}"
    /// Placeholder of a host name that carries numbers (`mta1234.mail.gq1.yahoo.com`).
    public static let host = "{host}"
    /// Placeholder of an id (queue id, message id, transaction id, long hex or mixed token).
    public static let id = "{id}"
    /// Placeholder of a plain number.
    public static let number = "{n}"
    /// Placeholder of a date, a time or a timestamp.
    public static let time = "{time}"

    /// What each placeholder stands for, as a regular expression.
    static let expansions: [String: String] = [
        address: #"\S*@\S*"#, ip: #"[0-9A-Fa-f.:]+"#, host: #"[A-Za-z0-9.-]+"#,
        id: #"\S+"#, number: #"[0-9]+"#, time: #"[0-9:./TZ+-]+"#,
    ]

    /// The pattern that matches every reply of `template`: the text quoted, each placeholder
    /// widened to what it stands for, white space runs matched loosely (a template cut at its
    /// maximum length, ending in `…`, matches the replies it starts).
    public static func pattern(for template: String) -> String {
        var text = template
        if text.hasSuffix("…") { text.removeLast() }
        let tokens = text.split(separator: " ").map { token -> String in
            var out = ""
            var rest = Substring(token)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                let name = String(rest[open...close])
                out += escape(rest[..<open]) + (expansions[name] ?? escape(rest[open...close]))
                rest = rest[rest.index(after: close)...]
            }
            return out + escape(rest)
        }
        return tokens.joined(separator: #"\s+"#)
    }

    /// `text` with regular-expression metacharacters escaped.
    static func escape(_ text: Substring) -> String {
        var out = ""
        for c in text {
            if #"\^$.|?*+()[]{}/"#.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
