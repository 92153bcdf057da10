import Foundation
import SluiceConfig

/// Applies a source's `<rewrite-list>` to a message: the envelope sender and the From header's
/// addresses. Pure.
public struct AddressRewriting: Hashable, Sendable {
    /// `mail-from` rules, in order.
    public var senderRules: [AddressRewriteRule]
    /// `header-from` rules, in order.
    public var headerFromRules: [AddressRewriteRule]

    /// Rewriting with the rules of `list` (none: nothing is rewritten).
    public init(_ list: RewriteList? = nil) {
        senderRules = list?.rules.filter { $0.field == .mailFrom } ?? []
        headerFromRules = list?.rules.filter { $0.field == .headerFrom } ?? []
    }

    /// True when there is nothing to rewrite.
    public var isEmpty: Bool { senderRules.isEmpty && headerFromRules.isEmpty }

    /// The envelope sender to use: rewritten by the first matching `mail-from` rule, else as
    /// given. The null sender (empty) is never rewritten.
    public func sender(_ address: String) -> String {
        guard !address.isEmpty else { return address }
        return AddressRewriteRule.rewrite(address, with: senderRules) ?? address
    }

    /// A From header value with each address rewritten by the first matching `header-from`
    /// rule, or nil when no address changed. Addresses are those between `<` and `>`
    /// (`"Shop" <news@old.example>`), or, without angle brackets, each comma-separated word
    /// (`news@old.example`); display names and comments are kept as written.
    public func headerFrom(_ value: String) -> String? {
        guard !headerFromRules.isEmpty else { return nil }
        var changed = false
        func rewrite(_ address: String) -> String {
            guard let new = AddressRewriteRule.rewrite(address, with: headerFromRules) else { return address }
            changed = true
            return new
        }
        var out = ""
        if value.contains("<") {
            var rest = Substring(value)
            while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
                out += rest[...open]
                out += rewrite(String(rest[rest.index(after: open)..<close]))
                rest = rest[close...]
            }
            out += rest
        } else {
            out = value.split(separator: ",", omittingEmptySubsequences: false).map { part -> String in
                let word = part.trimmingCharacters(in: .whitespaces)
                guard !word.isEmpty, !word.contains(where: \.isWhitespace) else { return String(part) }
                let leading = part.prefix { $0 == " " || $0 == "\t" }
                let trailing = part.reversed().prefix { $0 == " " || $0 == "\t" }
                return leading + rewrite(word) + String(trailing.reversed())
            }.joined(separator: ",")
        }
        return changed ? out : nil
    }
}
