/// A position in a configuration file: 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file path as the operator named it (or as an include resolved it).
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in characters.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, the prefix of every diagnostic; control characters in the file name (an
    /// `include` path comes from the file) are escaped as in ``Diagnostic/description``.
    public var description: String { "\(file.escapingControlCharacters):\(line):\(column)" }

    /// `FILE:LINE`, the form settings origins use; control characters escaped like ``description``.
    public var fileAndLine: String { "\(file.escapingControlCharacters):\(line)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// Where an effective setting's value came from.
public enum Origin: Hashable, Sendable, CustomStringConvertible {
    /// The built-in PowerMTA default.
    case builtin
    /// A directive in a configuration file.
    case config(SourceLocation)
    /// A live override set by an operator (the label names the client, e.g. "console" or "cli").
    case live(String)
    /// A persisted override file layered over the configuration.
    case persisted(SourceLocation)

    /// "default", "FILE:LINE", the live client's label, or "FILE:LINE (persisted)".
    public var description: String {
        switch self {
        case .builtin: return "default"
        case .config(let loc): return loc.fileAndLine
        case .live(let label): return label
        case .persisted(let loc): return "\(loc.fileAndLine) (persisted)"
        }
    }
}

/// A value together with the place it came from.
public struct Sourced<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The value in force.
    public var value: Value
    /// Where it was set.
    public var origin: Origin

    /// Creates a sourced value.
    public init(_ value: Value, _ origin: Origin = .builtin) {
        self.value = value
        self.origin = origin
    }
}
