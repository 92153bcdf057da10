/// What a mutating command did.
public struct CommandOutcome: Codable, Hashable, Sendable {
    /// One line for the operator, e.g. `held gmail.com (1,204 recipients queued)`.
    public var message: String
    /// The control it created, when it created one (hold, pause, mode, throttle).
    public var control: ControlInfo?
    /// How many recipients it touched (schedule, delete), when that applies.
    public var affectedRecipients: Int?

    /// Creates an outcome.
    public init(message: String, control: ControlInfo? = nil, affectedRecipients: Int? = nil) {
        self.message = message
        self.control = control
        self.affectedRecipients = affectedRecipients
    }

    enum CodingKeys: String, CodingKey {
        case message, control
        case affectedRecipients = "affected_recipients"
    }
}
