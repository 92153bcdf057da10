import SluiceConfig

/// A control request that failed, with a stable machine-readable code and one line for the
/// operator. The engine throws it for a command it refuses; the control plane sends it in its
/// error object (`{"code":"unknown-queue","message":"…"}`).
public struct ControlError: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The stable error classes.
    public enum Code: String, Codable, Hashable, Sendable {
        /// Malformed request or bad argument (exit 2, HTTP 400).
        case usage
        /// No such domain, vmta or queue (exit 1, HTTP 404).
        case unknownQueue = "unknown-queue"
        /// No active control with that id (exit 1, HTTP 404).
        case unknownControl = "unknown-control"
        /// A throttle directive that does not exist or may not be changed live, or a bad value (exit 1, HTTP 422).
        case badSetting = "bad-setting"
        /// The node refused the action (exit 1, HTTP 409).
        case refused
        /// The caller may not do this (exit 1, HTTP 403).
        case permissionDenied = "permission-denied"
        /// No daemon answers at the socket, or the connection broke (exit 2, HTTP 503).
        case unavailable
        /// The node failed while doing it (exit 1, HTTP 500).
        case `internal`
    }

    /// The error class.
    public var code: Code
    /// One line for the operator.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message alone.
    public var description: String { message }

    private enum CodingKeys: String, CodingKey { case code, message }
}

extension ControlError {
    /// The directive is not a throttle an operator may override (`bad-setting`).
    public static func notAThrottle(_ directive: String) -> ControlError {
        ControlError(.badSetting, "'\(directive)' is not a throttle directive that can be overridden")
    }

    /// The directive is unknown or the value is malformed (`bad-setting`).
    public static func badSetting(_ error: SettingError) -> ControlError {
        ControlError(.badSetting, error.description)
    }

    /// No virtual MTA has that name (`unknown-queue`).
    public static func unknownVirtualMTA(_ name: String) -> ControlError {
        ControlError(.unknownQueue, "unknown virtual MTA '\(name)'")
    }

    /// The target has no queue (`unknown-queue`).
    public static func unknownQueue(_ target: String) -> ControlError {
        ControlError(.unknownQueue, "no queue matches '\(target)'")
    }

    /// No active control has that id (`unknown-control`).
    public static func unknownControl(_ id: UInt64) -> ControlError {
        ControlError(.unknownControl, "no active control #\(id)")
    }

    /// The target does not fit the command, e.g. holding a vmta: use pause (`usage`).
    public static func badTarget(_ why: String) -> ControlError {
        ControlError(.usage, why)
    }
}
