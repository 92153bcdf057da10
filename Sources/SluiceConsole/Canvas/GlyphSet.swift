/// The glyphs the renderers draw with: Unicode box and block characters, or ASCII stand-ins
/// for terminals whose locale is not UTF-8.
public struct GlyphSet: Hashable, Sendable {
    /// Sparkline levels, lowest first.
    public var sparks: [Character]
    /// Horizontal rule.
    public var horizontal: Character
    /// Vertical rule.
    public var vertical: Character
    /// Box corners: top-left, top-right, bottom-left, bottom-right.
    public var corners: [Character]
    /// Ellipsis for truncated text.
    public var ellipsis: Character
    /// Sort direction markers: ascending, descending.
    public var sortAscending: String
    /// Descending sort marker.
    public var sortDescending: String
    /// The name of the Enter key in the function bar.
    public var enterKey: String
    /// The name of the space key.
    public var spaceKey: String
    /// A status bullet.
    public var bullet: Character

    /// Unicode glyphs.
    public static let unicode = GlyphSet(
        sparks: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], horizontal: "─", vertical: "│",
        corners: ["┌", "┐", "└", "┘"], ellipsis: "…", sortAscending: "▲", sortDescending: "▼",
        enterKey: "⏎", spaceKey: "␣", bullet: "●")

    /// ASCII-only glyphs.
    public static let ascii = GlyphSet(
        sparks: ["_", ".", ",", "-", "=", "+", "*", "#"], horizontal: "-", vertical: "|",
        corners: ["+", "+", "+", "+"], ellipsis: "~", sortAscending: "^", sortDescending: "v",
        enterKey: "Ent", spaceKey: "Spc", bullet: "*")
}
