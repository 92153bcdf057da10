/// An outbound connection, named by the engine.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw number.
    public var raw: UInt64
    /// Creates an id.
    public init(_ raw: UInt64) { self.raw = raw }
    /// Ordered by number.
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.raw < b.raw }
    /// `c42`.
    public var description: String { "c\(raw)" }
}

/// One SMTP transaction, named by the engine.
public struct TransactionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw number.
    public var raw: UInt64
    /// Creates an id.
    public init(_ raw: UInt64) { self.raw = raw }
    /// Ordered by number.
    public static func < (a: TransactionID, b: TransactionID) -> Bool { a.raw < b.raw }
    /// `t42`.
    public var description: String { "t\(raw)" }
}
