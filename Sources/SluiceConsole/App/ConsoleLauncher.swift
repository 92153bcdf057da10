import Foundation
import SluiceBase

/// Starts the full-screen console on the real terminal: what `sluice console` and `sluice demo` call.
public enum ConsoleLauncher {
    /// Why the console could not start.
    public enum LaunchError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The theme is missing or invalid.
        case theme(ThemeLoader.LoadError)
        /// The terminal cannot be used.
        case terminal(NcursesBackend.SetupError)

        /// One clear line.
        public var description: String {
            switch self {
            case .theme(let e): e.description
            case .terminal(let e): e.description
            }
        }
    }

    /// The theme called `name` (nil: `default`, falling back to the built-in monochrome theme when
    /// no default.theme is installed).
    public static func theme(named name: String?, executablePath: String = CommandLine.arguments.first ?? "",
                             currentDirectory: String = FileManager.default.currentDirectoryPath) throws(LaunchError) -> Theme {
        let exe = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().path
        let dirs = ThemeLoader.searchDirectories(executablePath: exe, currentDirectory: currentDirectory)
        do {
            return try ThemeLoader.load(name: name ?? "default", directories: dirs)
        } catch {
            if name == nil, case .notFound = error { return .monochrome }
            throw .theme(error)
        }
    }

    /// Runs the console until the operator quits or a signal arrives; the terminal is restored on
    /// every path. Returns how it ended.
    public static func run(dataSource: any ConsoleDataSource, theme: Theme, readOnly: Bool,
                           environment: [String: String] = ProcessInfo.processInfo.environment) async throws(LaunchError) -> ConsoleExit {
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(theme: theme, environment: environment)
        } catch {
            throw .terminal(error)
        }
        let app = ConsoleApp(dataSource: dataSource, backend: backend, glyphs: backend.glyphs, readOnly: readOnly, clock: WallClock())
        return await app.run()
    }
}

