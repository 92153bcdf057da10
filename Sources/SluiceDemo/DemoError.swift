/// Why a demo could not start.
public enum DemoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The demo's directory could not be made or used.
    case directory(String)
    /// The embedded configuration did not load (a bug: it is checked by a test).
    case configuration([String])
    /// A part did not start.
    case start(part: String, reason: String)

    /// One line for stderr.
    public var description: String {
        switch self {
        case .directory(let why): return "demo directory: \(why)"
        case .configuration(let errors): return "the embedded configuration has errors: " + errors.joined(separator: "; ")
        case .start(let part, let reason): return "cannot start \(part): \(reason)"
        }
    }
}
