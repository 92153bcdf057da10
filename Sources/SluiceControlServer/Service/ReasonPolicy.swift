import SluiceCore

/// The reason recorded when an operator gives none, per client kind. A client kind without a
/// default must give a reason.
public struct ReasonPolicy: Sendable, Hashable {
    /// Default reasons by client label prefix (`cli`, `console`, `http`).
    public var defaults: [String: String]

    /// Creates a policy.
    public init(defaults: [String: String]) { self.defaults = defaults }

    /// The CLI and the console record a default naming themselves; HTTP clients must give a reason.
    public static let standard = ReasonPolicy(defaults: [
        "cli": "operator action via sluice CLI (no reason given)",
        "console": "operator action via console (no reason given)",
    ])

    /// The reason to record: `given` when it has text, else the default for `label`'s client kind.
    ///
    /// - Throws: ``ControlError`` `usage` when there is neither.
    public func reason(_ given: String?, label: String) throws(ControlError) -> String {
        if let text = given?.trimmingSpaces, !text.isEmpty {
            guard text.count <= 1000, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw ControlError(.usage, "a reason is one line of at most 1000 characters")
            }
            return text
        }
        let kind = label.split(separator: ":", maxSplits: 1).first.map(String.init) ?? label
        guard let fallback = defaults[kind] else {
            throw ControlError(.usage, "a reason is required for this action (give --reason or \"reason\")")
        }
        return fallback
    }
}
