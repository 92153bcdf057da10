import SluiceConfig

/// A problem in a sandbox profile file, reported as `FILE:LINE:COL: error: message`.
public struct ProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// What is wrong, in one sentence.
    public var message: String

    /// Creates an error.
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: error: message`.
    public var description: String { "\(location): error: \(message)" }
}
