/// A DKIM key or signing failure, with a message fit for an operator's log or a config diagnostic.
public struct DKIMError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, e.g. "not a PEM private key".
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
