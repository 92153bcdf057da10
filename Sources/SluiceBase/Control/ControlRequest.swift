import SluiceConfig

/// Who asks for a command, why, and for how long: recorded in the control it creates.
public struct ControlRequest: Hashable, Sendable {
    /// Who asks, in full (`alice (uid 1000) via cli`); recorded in the control.
    public var who: String
    /// The operator's reason.
    public var why: String
    /// How long a lasting control stays; nil for until released.
    public var duration: TimeSpan?
    /// The client label (`console`, `cli`, `http:TOKENID`): the origin of a throttle override.
    /// Nil uses ``who`` as the origin.
    public var client: String?

    /// Creates a request.
    public init(who: String, why: String = "", duration: TimeSpan? = nil, client: String? = nil) {
        self.who = who
        self.why = why
        self.duration = duration
        self.client = client
    }
}
