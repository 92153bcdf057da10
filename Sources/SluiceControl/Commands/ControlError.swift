/// A control request that failed, with a stable machine-readable code and one line for the operator.
///
/// The code travels in the protocol's error object (`{"code":"unknown-queue","message":"…"}`) and
/// decides the CLI's exit status (``exitCode``) and the HTTP status (``httpStatus``).
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

    /// The CLI exit status: 2 for usage and connection errors, 1 for a request that failed.
    public var exitCode: Int32 {
        switch code {
        case .usage, .unavailable: return 2
        default: return 1
        }
    }

    /// The HTTP status the management API answers with.
    public var httpStatus: Int {
        switch code {
        case .usage: return 400
        case .unknownQueue, .unknownControl: return 404
        case .badSetting: return 422
        case .refused: return 409
        case .permissionDenied: return 403
        case .unavailable: return 503
        case .internal: return 500
        }
    }
}
