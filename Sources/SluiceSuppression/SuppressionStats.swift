/// What the suppression list holds (`sluice suppress stats`).
public struct SuppressionStats: Hashable, Sendable {
    /// Entries in all scopes.
    public var total: Int
    /// Entries by scope kind: `global`, `sender-domain`, `job`.
    public var byScope: [String: Int]
    /// Entries by reason.
    public var byReason: [String: Int]
    /// The entry added last, if any.
    public var newest: SuppressionEntry?

    /// Creates statistics.
    public init(total: Int, byScope: [String: Int], byReason: [String: Int], newest: SuppressionEntry?) {
        self.total = total
        self.byScope = byScope
        self.byReason = byReason
        self.newest = newest
    }
}
