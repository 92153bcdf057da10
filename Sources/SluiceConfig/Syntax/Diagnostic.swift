/// One finding of the configuration checker, printed as `FILE:LINE:COL: error: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How bad a finding is.
    public enum Severity: String, Hashable, Sendable {
        /// The configuration cannot be used as written.
        case error
        /// The configuration works, but something is probably not what the operator meant.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// Where the finding is: the directive, the value, or the block's `<`.
    public var location: SourceLocation
    /// One sentence for the operator; a hint may follow after "; ".
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: error: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
