import Glibc
import SluiceBase

/// Why a spool operation failed.
public enum SpoolError: Error, Equatable, CustomStringConvertible {
    /// Free space is below `SpoolOptions.minimumFreeSpace`; the SMTP layer answers `452 4.3.1`.
    case insufficientSpace(freeBytes: Int64, minimumBytes: Int64)
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// Another process holds the spool's lock.
    case locked(path: String)
    /// The spool was closed.
    case closed
    /// No live message has this id.
    case unknownMessage(MessageID)
    /// A stored record failed its checksum or could not be decoded.
    case corrupt(path: String, offset: Int64, reason: String)
    /// A message or envelope is too large for the record format.
    case tooLarge(bytes: Int)
    /// A control id that is empty or longer than 120 UTF-8 bytes.
    case invalidControlID(String)

    /// One line for logs and error output.
    public var description: String {
        switch self {
        case let .insufficientSpace(free, minimum):
            return "insufficient spool space: \(free) bytes free, minimum \(minimum)"
        case let .io(operation, path, errno):
            return "\(operation) \(path): \(String(cString: strerror(errno)))"
        case let .locked(path):
            return "spool \(path) is in use by another process"
        case .closed:
            return "the spool is closed"
        case let .unknownMessage(id):
            return "no message \(id) in the spool"
        case let .corrupt(path, offset, reason):
            return "\(path)@\(offset): \(reason)"
        case let .tooLarge(bytes):
            return "record of \(bytes) bytes is too large for the spool"
        case let .invalidControlID(id):
            return "invalid control id '\(id)' (1 to 120 bytes)"
        }
    }
}
