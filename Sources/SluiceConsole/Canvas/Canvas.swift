/// One terminal cell: a grapheme and its semantic role.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown; for the right half of a wide character, a space never painted.
    public var character: Character
    /// The style role.
    public var role: Role
    /// 1 for a normal cell, 2 for the left half of a wide character, 0 for its right half.
    public var width: UInt8

    /// Creates a cell.
    public init(_ character: Character, _ role: Role, width: UInt8 = 1) {
        self.character = character
        self.role = role
        self.width = width
    }

    /// A blank cell of the given role.
    public static func blank(_ role: Role) -> Cell { Cell(" ", role) }
}

/// A grid of cells that renderers draw on: the console's frame buffer, independent of curses.
///
/// Every write is clipped to the canvas; wide characters that would straddle the right edge
/// of the clip are replaced by a space, so a frame never overflows a column.
public struct Canvas: Hashable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Row-major cells, `width * height` of them.
    public private(set) var cells: [Cell]

    /// Creates a canvas filled with blanks of `role`.
    public init(width: Int, height: Int, role: Role = .normal) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(role), count: self.width * self.height)
    }

    /// The cell at column `x`, row `y` (a blank when outside).
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank(.normal) }
        return cells[y * width + x]
    }

    /// Writes `text` at (`x`, `y`) in `role`, using at most `maxWidth` columns (to the right edge
    /// when nil). Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var col = x
        let base = y * width
        for c in text {
            let w = c.isASCII ? ((c.asciiValue ?? 0) >= 0x20 ? 1 : 0) : DisplayWidth.of(c)
            if w == 0 { continue }
            if col + w > limit {
                if col < limit, col >= 0 { cells[base + col] = .blank(role); col += 1 }
                break
            }
            if col >= 0 {
                cells[base + col] = Cell(c, role, width: UInt8(w))
                if w == 2 { cells[base + col + 1] = Cell(" ", role, width: 0) }
            }
            col += w
        }
        return max(0, col - max(x, 0))
    }

    /// Fills a rectangle with `character` in `role`.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, role: Role, character: Character = " ") {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for col in x0..<x1 { cells[row * width + col] = Cell(character, role) }
        }
    }

    /// Changes the role of a run of cells without touching their characters (selection bars).
    public mutating func restyle(x: Int, y: Int, width w: Int, role: Role) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<min(width, max(0, x + w)) { cells[y * width + col].role = role }
    }

    /// Row `y` as text; the right halves of wide characters are omitted, trailing spaces kept.
    public func text(row y: Int) -> String {
        var out = ""
        for col in 0..<width where cells[y * width + col].width != 0 { out.append(cells[y * width + col].character) }
        return out
    }

    /// The whole grid as text, one line per row.
    public var text: String { (0..<height).map { text(row: $0) }.joined(separator: "\n") }

    /// The role of every cell as one code character per cell (see ``Role/code``), one line per row.
    public var styleMap: String {
        (0..<height).map { y in String((0..<width).map { cells[y * width + $0].role.code }) }.joined(separator: "\n")
    }
}
