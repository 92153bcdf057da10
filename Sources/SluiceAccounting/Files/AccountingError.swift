/// An accounting file could not be opened, written, rotated or cleaned up.
public struct AccountingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file or directory concerned.
    public var path: String
    /// What was being done, e.g. `write`.
    public var operation: String
    /// The underlying reason.
    public var reason: String

    /// Creates an error.
    public init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    /// `accounting: cannot write /var/log/sluice/acct.csv: No space left on device`.
    public var description: String { "accounting: cannot \(operation) \(path): \(reason)" }
}
