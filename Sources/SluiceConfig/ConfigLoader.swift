/// The outcome of loading a configuration: a model (always, best effort) and every finding.
public struct ConfigLoadResult: Sendable {
    /// The configuration as far as it could be understood; invalid lines are left at their defaults.
    public var model: ConfigModel
    /// Errors, warnings and notes, ordered by file, line and column.
    public var diagnostics: [Diagnostic]

    /// Creates a result.
    public init(model: ConfigModel, diagnostics: [Diagnostic]) {
        self.model = model
        self.diagnostics = diagnostics
    }

    /// True when at least one diagnostic is an error (the configuration must not be used).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The errors only.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// The warnings only.
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// The notes only: PowerMTA directives accepted without effect.
    public var notes: [Diagnostic] { diagnostics.filter { $0.severity == .note } }
}

/// Reads PowerMTA-dialect configuration files into a ``ConfigModel`` with diagnostics.
public enum ConfigLoader {
    /// Loads the file at `path` and the files it includes.
    ///
    /// - Parameter strict: report unknown directives and blocks as errors instead of warnings.
    public static func load(path: String, strict: Bool = false) -> ConfigLoadResult {
        guard let text = FileSystem.read(path) else {
            let location = SourceLocation(file: path, line: 1, column: 1)
            return ConfigLoadResult(model: ConfigModel(),
                                    diagnostics: [Diagnostic(.error, location, "cannot read configuration file '\(path)'")])
        }
        return load(text: text, fileName: path, strict: strict)
    }

    /// Loads configuration `text` as if read from `fileName`; `include` paths are resolved relative
    /// to `fileName`'s directory.
    public static func load(text: String, fileName: String, strict: Bool = false) -> ConfigLoadResult {
        var parser = Parser(readFile: FileSystem.read, expandGlob: FileSystem.glob)
        let nodes = parser.parse(text: text, file: fileName)
        var builder = ModelBuilder(strict: strict)
        let model = builder.build(nodes)
        // Files in the order they were read (an include's findings come where it is included),
        // then line and column.
        var fileOrder: [String: Int] = [:]
        for (index, file) in parser.files.enumerated() { fileOrder[file] = index }
        let diagnostics = (parser.diagnostics + builder.diagnostics).sorted { a, b in
            let fa = fileOrder[a.location.file] ?? Int.max, fb = fileOrder[b.location.file] ?? Int.max
            if fa != fb { return fa < fb }
            return (a.location.line, a.location.column) < (b.location.line, b.location.column)
        }
        return ConfigLoadResult(model: model, diagnostics: diagnostics)
    }
}
