#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import SluiceCore

/// The operating-system identity of the process at the other end of a Unix socket (SO_PEERCRED).
public struct PeerCredentials: Hashable, Sendable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective group id.
    public var gid: UInt32

    /// Creates credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// Reads the credentials of `channel`'s peer; fails for a channel that is not a Unix socket.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ControlError(.internal, "not a socket channel"))
        }
        return read(provider).map { (cred: RawPeerCred) in PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid) }
    }

    // NIO asks that unsafeGetSocketOption be called from a non-public, non-inlinable function.
    private static func read(_ provider: any SocketOptionProvider) -> EventLoopFuture<RawPeerCred> {
        provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
    }
}

/// The layout of Linux's `struct ucred` (which Glibc only declares under `_GNU_SOURCE`).
private struct RawPeerCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// The user name of `uid`, or nil when the password database has none.
public func userName(of uid: UInt32) -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
    guard status == 0, result != nil, let name = entry.pw_name else { return nil }
    return String(cString: name)
}
