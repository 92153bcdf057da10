import Foundation

/// Finds and loads sandbox profiles: the `.profile` data files shipped with the package (gmail,
/// yahoo, outlook, generic) or a file the operator names.
///
/// The shipped files are the target's resources (`Profiles/`). SwiftPM's generated `Bundle.module`
/// stops the process when its bundle is missing (an executable copied away from its build
/// directory), so the library looks in the same places itself and never calls it:
/// 1. directories given explicitly (`--profile-dir`, the `SLUICE_SANDBOX_PROFILES` variable);
/// 2. `sluice_SluiceSandbox.resources/Profiles` next to the running executable (where
///    `Bundle.module` looks first; `swift build` puts it there);
/// 3. `../share/sluice/profiles` next to the executable, for an installed copy;
/// 4. the package's own `Sources/SluiceSandbox/Profiles`, for binaries run from a checkout.
public struct ProfileLibrary: Sendable {
    /// The directories searched, in order.
    public let directories: [URL]

    /// The names of the profiles shipped with the package.
    public static let shippedNames = ["generic", "gmail", "outlook", "yahoo"]

    /// The environment variable naming an extra profile directory.
    public static let environmentVariable = "SLUICE_SANDBOX_PROFILES"

    /// A library searching `extraDirectories` first, then the default places.
    public init(extraDirectories: [URL] = [], environment: [String: String] = ProcessInfo.processInfo.environment) {
        var dirs = extraDirectories
        if let env = environment[ProfileLibrary.environmentVariable], !env.isEmpty {
            dirs.append(URL(fileURLWithPath: env, isDirectory: true))
        }
        let bundleName = "sluice_SluiceSandbox.resources"
        var executableDirs = [Bundle.main.bundleURL]
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent(),
           exe.standardizedFileURL != Bundle.main.bundleURL.standardizedFileURL {
            executableDirs.append(exe)
        }
        for dir in executableDirs {
            dirs.append(dir.appendingPathComponent(bundleName).appendingPathComponent("Profiles"))
            dirs.append(dir.appendingPathComponent("../share/sluice/profiles").standardizedFileURL)
        }
        dirs.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Profiles"))
        self.init(directories: dirs)
    }

    /// A library searching exactly `directories`.
    public init(directories: [URL]) { self.directories = directories }

    /// Where the profile `name` is: `name` itself when it is a path (contains `/` or ends in
    /// `.profile`), else the first `name.profile` in the search directories.
    public func locate(_ name: String) -> URL? {
        if name.contains("/") || name.hasSuffix(".profile") {
            let url = URL(fileURLWithPath: name)
            return FileManager.default.isReadableFile(atPath: url.path) ? url : nil
        }
        for dir in directories {
            let url = dir.appendingPathComponent("\(name).profile")
            if FileManager.default.isReadableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Loads and parses the profile `name` (a shipped name or a path).
    ///
    /// - Throws: ``ProfileLoadError`` when it cannot be found or read, ``ProfileError`` when it
    ///   does not parse.
    public func load(_ name: String) throws -> SandboxProfile {
        guard let url = locate(name) else {
            throw ProfileLoadError.notFound(name: name, searched: directories.map(\.path))
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ProfileLoadError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        let profileName = url.deletingPathExtension().lastPathComponent
        return try ProfileParser(file: url.path).parse(text, name: profileName)
    }
}

/// A profile that could not be found or read.
public enum ProfileLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No `NAME.profile` in any search directory (or no such file for a path).
    case notFound(name: String, searched: [String])
    /// The file exists but could not be read as UTF-8.
    case unreadable(path: String, reason: String)

    /// One line for stderr.
    public var description: String {
        switch self {
        case .notFound(let name, let searched):
            let hint = name.contains("/") || name.hasSuffix(".profile")
                ? "no such readable file"
                : "not found in \(searched.joined(separator: ", ")); shipped profiles: \(ProfileLibrary.shippedNames.joined(separator: ", "))"
            return "sandbox profile '\(name)': \(hint)"
        case .unreadable(let path, let reason):
            return "sandbox profile \(path): cannot read: \(reason)"
        }
    }
}
