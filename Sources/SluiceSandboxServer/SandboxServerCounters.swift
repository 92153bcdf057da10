import Synchronization

/// Connections a sandbox server closed on its own account (not the profile's): the SMTP-level
/// counters are the receiver's ``SluiceSandbox/SandboxStats``.
public struct SandboxServerCloses: Hashable, Sendable, CustomStringConvertible {
    /// Closed after a command line over the length limit.
    public var lineTooLong = 0
    /// Closed after too many protocol errors.
    public var tooManyErrors = 0
    /// Closed after the idle timeout.
    public var idleTimeout = 0

    /// No closes yet.
    public init() {}

    /// `line-too-long=0 too-many-errors=1 idle-timeout=0`.
    public var description: String {
        "line-too-long=\(lineTooLong) too-many-errors=\(tooManyErrors) idle-timeout=\(idleTimeout)"
    }
}

/// The server's ``SandboxServerCloses``, updated from every event loop.
final class SandboxServerCounters: Sendable {
    private let value = Mutex(SandboxServerCloses())

    var snapshot: SandboxServerCloses { value.withLock { $0 } }
    func recordLineTooLong() { value.withLock { $0.lineTooLong += 1 } }
    func recordTooManyErrors() { value.withLock { $0.tooManyErrors += 1 } }
    func recordIdleTimeout() { value.withLock { $0.idleTimeout += 1 } }
}
