import Foundation

/// Finds and reads `.theme` files.
public enum ThemeLoader {
    /// Why a theme could not be loaded.
    public enum LoadError: Error, Hashable, Sendable, CustomStringConvertible {
        /// No file `NAME.theme` in any of the searched directories.
        case notFound(name: String, searched: [String])
        /// The file exists but cannot be read.
        case unreadable(path: String)
        /// The file has an error.
        case invalid(ThemeError)

        /// One clear line.
        public var description: String {
            switch self {
            case .notFound(let name, let searched):
                "no theme '\(name)' (looked for \(name).theme in \(searched.joined(separator: ", ")))"
            case .unreadable(let path): "cannot read theme file \(path)"
            case .invalid(let e): e.description
            }
        }
    }

    /// The directories searched, in order: `./themes`, then `share/sluice/themes` next to the
    /// executable's `bin` directory, then `themes` beside the executable.
    public static func searchDirectories(executablePath: String, currentDirectory: String) -> [String] {
        let exeDir = (executablePath as NSString).deletingLastPathComponent
        let prefix = (exeDir as NSString).deletingLastPathComponent
        return [
            (currentDirectory as NSString).appendingPathComponent("themes"),
            (prefix as NSString).appendingPathComponent("share/sluice/themes"),
            (exeDir as NSString).appendingPathComponent("themes"),
        ]
    }

    /// Loads theme `name` (or a path ending in `.theme`) from the first directory that has it.
    public static func load(name: String, directories: [String]) throws(LoadError) -> Theme {
        let candidates: [String]
        if name.contains("/") || name.hasSuffix(".theme") {
            candidates = [name]
        } else {
            candidates = directories.map { ($0 as NSString).appendingPathComponent("\(name).theme") }
        }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw .unreadable(path: path)
            }
            let themeName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            do {
                return try Theme.parse(text, name: themeName, file: path)
            } catch {
                throw .invalid(error)
            }
        }
        throw .notFound(name: name, searched: name.contains("/") ? [name] : directories)
    }

    /// The colour depth to use: mono when `NO_COLOR` is set (to anything non-empty, per no-color.org)
    /// or the terminal has no colours; otherwise what the terminal reports.
    public static func depth(environment: [String: String], terminalColors: Int) -> ColorDepth {
        if let v = environment["NO_COLOR"], !v.isEmpty { return .mono }
        if terminalColors >= 1 << 24 { return .trueColor }
        if terminalColors >= 256 { return .ansi256 }
        if terminalColors >= 8 { return .ansi8 }
        return .mono
    }
}
