/// A terminal colour as a theme names it.
public enum TerminalColor: Hashable, Sendable {
    /// The terminal's default foreground or background.
    case `default`
    /// One of the 16 ANSI colours: 0–7 normal, 8–15 bright.
    case ansi(Int)
    /// An xterm 256-colour palette index.
    case indexed(Int)
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)

    /// ANSI colour names, index = colour number.
    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, `-`, `red`, `brightblue`, `color208`, `#ff8800`; nil when not a colour.
    public init?(parsing word: String) {
        let w = word.lowercased()
        if w == "default" || w == "-" { self = .default; return }
        if let i = Self.names.firstIndex(of: w) { self = .ansi(i); return }
        if w.hasPrefix("bright"), let i = Self.names.firstIndex(of: String(w.dropFirst(6))) { self = .ansi(i + 8); return }
        if w == "gray" || w == "grey" { self = .ansi(8); return }
        if w.hasPrefix("color"), let n = Int(w.dropFirst(5)), (0...255).contains(n) { self = .indexed(n); return }
        if w.hasPrefix("#"), w.count == 7, let v = UInt32(w.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            return
        }
        return nil
    }

    /// The colour reduced to what a terminal of `depth` can show (nearest palette entry).
    public func reduced(to depth: ColorDepth) -> TerminalColor {
        switch (self, depth) {
        case (_, .mono): return .default
        case (.default, _), (_, .trueColor): return self
        // Bright black (grey) would become black, invisible on a dark background: use white.
        case (.ansi(8), .ansi8): return .ansi(7)
        case (.ansi(let n), .ansi8): return .ansi(n % 8)
        case (.ansi, .ansi256): return self
        case (.indexed(let n), .ansi256): return .indexed(n)
        case (.indexed(let n), .ansi8): return Self.rgb(ofIndex: n).reduced(to: .ansi8)
        case (.rgb(let r, let g, let b), .ansi256): return .indexed(Self.nearest256(r, g, b))
        case (.rgb(let r, let g, let b), .ansi8): return .ansi(Self.nearest8(r, g, b))
        }
    }

    /// The number curses uses for this colour (-1 for the default); for `.rgb` the packed 24-bit value.
    public var cursesNumber: Int {
        switch self {
        case .default: -1
        case .ansi(let n), .indexed(let n): n
        case .rgb(let r, let g, let b): Int(r) << 16 | Int(g) << 8 | Int(b)
        }
    }

    private static func rgb(ofIndex n: Int) -> TerminalColor {
        if n < 16 { return .ansi(n) }
        if n >= 232 { let v = UInt8(8 + (n - 232) * 10); return .rgb(v, v, v) }
        let i = n - 16
        let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
        return .rgb(steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }

    private static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let grey = avg > 238 ? 255 : 232 + max(0, (avg - 3) / 10)
        let steps = [0, 95, 135, 175, 215, 255]
        let c = (steps[level(r)], steps[level(g)], steps[level(b)])
        let gv = grey == 255 ? 255 : 8 + (grey - 232) * 10
        func dist(_ x: (Int, Int, Int)) -> Int {
            let dr = x.0 - Int(r), dg = x.1 - Int(g), db = x.2 - Int(b)
            return dr * dr + dg * dg + db * db
        }
        return dist((gv, gv, gv)) < dist(c) ? (grey == 255 ? 231 : grey) : cube
    }

    private static func nearest8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let hi = max(r, g, b)
        if hi < 64 { return 0 }
        let t = UInt8(Int(hi) * 5 / 10)
        return (r >= t ? 1 : 0) | (g >= t ? 2 : 0) | (b >= t ? 4 : 0)
    }
}

/// How many colours the terminal can show.
public enum ColorDepth: String, Hashable, Sendable, CaseIterable {
    /// No colour: attributes only (NO_COLOR, dumb terminals, the mono theme).
    case mono
    /// The 8 basic ANSI colours.
    case ansi8 = "8"
    /// The xterm 256-colour palette.
    case ansi256 = "256"
    /// 24-bit colour.
    case trueColor = "truecolor"
}

/// Text attributes.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates attributes from bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bold.
    public static let bold = TextAttributes(rawValue: 1)
    /// Dim.
    public static let dim = TextAttributes(rawValue: 2)
    /// Reverse video.
    public static let reverse = TextAttributes(rawValue: 4)
    /// Underline.
    public static let underline = TextAttributes(rawValue: 8)
    /// Italic.
    public static let italic = TextAttributes(rawValue: 16)

    /// Attribute names as written in theme files.
    static let names: [String: TextAttributes] = [
        "bold": .bold, "dim": .dim, "reverse": .reverse, "underline": .underline, "italic": .italic,
    ]
}

/// How one role looks: foreground, background and attributes.
public struct Style: Hashable, Sendable {
    /// Foreground colour.
    public var foreground: TerminalColor
    /// Background colour.
    public var background: TerminalColor
    /// Attributes.
    public var attributes: TextAttributes

    /// Creates a style.
    public init(_ foreground: TerminalColor = .default, _ background: TerminalColor = .default,
                _ attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}
