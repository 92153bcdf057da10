import Foundation
import SluiceConfig
import SluiceBase

/// A ``SandboxBehaviour`` shared by connections served on several threads (a SwiftNIO server's
/// event loops): each call takes a lock, runs the pure state machine and returns its action. The
/// per-connection ``SandboxSession`` stays with the connection's handler.
///
/// ```swift
/// let receiver = SandboxReceiver(profile: try ProfileLibrary().load("gmail"), seed: 1, startedAt: clock.now())
/// // channelActive:   (session, action) = receiver.connect(from: peerIP, at: clock.now())
/// // each command:    action = receiver.handle(command, in: &session, at: clock.now())
/// // then: wait action.delay, write action.reply.wireText, close if action.close
/// ```
public final class SandboxReceiver: @unchecked Sendable {
    private let lock = NSLock()
    private var behaviour: SandboxBehaviour

    /// Creates a receiver behaving as `profile`.
    public init(profile: SandboxProfile, seed: UInt64, startedAt: Instant) {
        behaviour = SandboxBehaviour(profile: profile, seed: seed, startedAt: startedAt)
    }

    /// The profile in force.
    public var profile: SandboxProfile { lock.withLock { behaviour.profile } }

    /// The counters so far.
    public var stats: SandboxStats { lock.withLock { behaviour.stats } }

    /// See ``SandboxBehaviour/connect(from:at:)``.
    public func connect(from source: IPAddress, at now: Instant) -> (SandboxSession, SandboxAction) {
        lock.withLock { behaviour.connect(from: source, at: now) }
    }

    /// See ``SandboxBehaviour/refuseSource(_:naming:)``.
    public func refuseSource(_ source: IPAddress, naming blocklist: String) {
        lock.withLock { behaviour.refuseSource(source, naming: blocklist) }
    }

    /// See ``SandboxBehaviour/deferSource(_:)``.
    public func deferSource(_ source: IPAddress) {
        lock.withLock { behaviour.deferSource(source) }
    }

    /// See ``SandboxBehaviour/handle(_:in:at:)``.
    public func handle(_ command: SandboxCommand, in session: inout SandboxSession, at now: Instant) -> SandboxAction {
        lock.lock()
        defer { lock.unlock() }
        return behaviour.handle(command, in: &session, at: now)
    }
}
