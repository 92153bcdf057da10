/// A one-line text input: the filter, a reason, a form field.
///
/// A prefilled field starts *pristine*: the first printable key replaces the whole text (as a
/// selected-all field would), so that Enter accepts the default and typing starts afresh.
public struct TextField: Hashable, Sendable {
    /// The text.
    public private(set) var text: String
    /// The cursor, in characters from the start.
    public private(set) var cursor: Int
    /// True until the first edit of a prefilled field.
    public private(set) var pristine: Bool

    /// Creates a field holding `text`, cursor at the end; `prefilled` makes it pristine.
    public init(_ text: String = "", prefilled: Bool = false) {
        self.text = text
        cursor = text.count
        pristine = prefilled && !text.isEmpty
    }

    /// Applies an editing key; returns false for keys a text field does not handle.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c):
            if pristine { text = ""; cursor = 0 }
            let i = text.index(text.startIndex, offsetBy: cursor)
            text.insert(c, at: i)
            cursor += 1
        case .backspace:
            if pristine { text = ""; cursor = 0 } else if cursor > 0 {
                text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1))
                cursor -= 1
            }
        case .delete:
            if cursor < text.count { text.remove(at: text.index(text.startIndex, offsetBy: cursor)) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"): text = ""; cursor = 0
        default: return false
        }
        pristine = false
        return true
    }
}
