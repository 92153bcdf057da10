/// A `<source-group NAME>` block: clients whose `<source>` blocks name the group
/// (`source-group NAME`) share its inbound connection limits.
public struct SourceGroup: Hashable, Sendable {
    /// The group's name, as `source-group` lines in `<source>` blocks use it.
    public var name: String
    /// `max-smtp-in` [unlimited]: simultaneous connections from all the group's clients together;
    /// one more gets `421 4.3.2` and is closed.
    public var maxSMTPIn: Int?
    /// `reserved-smtp-in` [0]: of `total-max-smtp-in`, this many connections are kept for the
    /// group's clients: others are refused when taking one would leave less free.
    public var reservedSMTPIn: Int?
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates a group without limits.
    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
