/// A directive value that does not have the expected form.
///
/// `expected` completes the sentence "expected …", e.g. "a rate such as 50/s, 500/h or 83/10m".
public struct ValueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the value should have looked like.
    public var expected: String
    /// The text that was given.
    public var found: String

    /// Creates a value error.
    public init(expected: String, found: String) {
        self.expected = expected
        self.found = found
    }

    /// "expected a rate such as 50/s, 500/h or 83/10m, found '50/fortnight'".
    public var description: String { "expected \(expected), found '\(found)'" }
}
