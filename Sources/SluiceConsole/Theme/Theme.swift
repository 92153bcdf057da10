/// A set of styles, one per ``Role``, read from a `.theme` file (see themes/README.md).
public struct Theme: Hashable, Sendable {
    /// The theme's name (its file name without `.theme`).
    public var name: String
    /// The style of every role; a role a file does not mention looks like `normal`.
    public var styles: [Role: Style]

    /// Creates a theme.
    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style of `role`.
    public func style(_ role: Role) -> Style { styles[role] ?? styles[.normal] ?? Style() }

    /// The theme as a terminal of `depth` can show it: colours reduced to the nearest the terminal
    /// has; at `.mono`, ``Theme/monochrome`` (attributes only), so that meaning survives without colour.
    public func reduced(to depth: ColorDepth) -> Theme {
        if depth == .mono { return .monochrome }
        var out = self
        for (role, s) in styles {
            out.styles[role] = Style(s.foreground.reduced(to: depth), s.background.reduced(to: depth), s.attributes)
        }
        return out
    }

    /// The built-in monochrome theme: attributes only. Used for NO_COLOR, terminals without colour,
    /// and when no theme file can be found. themes/mono.theme holds the same definitions.
    public static let monochrome = Theme(name: "mono", styles: [
        .normal: Style(), .dim: Style(.default, .default, .dim),
        .header: Style(.default, .default, .reverse), .headerValue: Style(.default, .default, [.reverse, .bold]),
        .figure: Style(.default, .default, .bold),
        .tab: Style(), .tabActive: Style(.default, .default, [.reverse, .bold]),
        .columnHeader: Style(.default, .default, [.bold, .underline]),
        .selection: Style(.default, .default, .reverse),
        .ok: Style(), .warn: Style(.default, .default, .bold), .error: Style(.default, .default, [.bold, .underline]),
        .held: Style(.default, .default, [.bold, .reverse]), .paused: Style(.default, .default, [.bold, .underline]),
        .backoff: Style(.default, .default, .bold), .sparkline: Style(),
        .status: Style(.default, .default, .bold),
        .functionKey: Style(.default, .default, .bold), .functionLabel: Style(.default, .default, .reverse),
        .title: Style(.default, .default, .bold), .overlay: Style(), .input: Style(.default, .default, .underline),
        .category: Style(.default, .default, .italic),
    ])
}
