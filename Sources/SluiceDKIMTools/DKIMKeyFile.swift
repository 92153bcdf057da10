import Foundation
import Glibc
import SluiceDKIM

/// A DKIM private key on disk: written with mode 0600 from the moment it exists, read back with
/// errors an operator can act on.
public enum DKIMKeyFile {
    /// The largest file read as a key (a 16384-bit RSA PEM is about 13 KB).
    static let maximumSize = 1 << 20

    /// Writes `pem` to `path`, readable and writable by the owner only.
    ///
    /// The text goes to a new file beside `path`, created 0600 (and set to exactly 0600 whatever
    /// the umask) and synced; that file is then linked in at `path`, which fails when `path`
    /// exists, or, with `overwrite`, renamed over it. No other user can read the key at any
    /// moment, and `path` never holds part of a key.
    /// - Throws: ``DKIMError`` when `path` exists (and `overwrite` is false) or cannot be written.
    public static func write(_ pem: String, to path: String, overwrite: Bool) throws(DKIMError) {
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw DKIMError("\(path) already exists; --force replaces it")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            temporary = directory + "/." + url.lastPathComponent + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw DKIMError("cannot create a file in \(directory): \(lastError())") }
        var placed = false
        defer { if !placed { unlink(temporary) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw DKIMError("cannot set mode 0600 on \(temporary): \(lastError())") }
            try writeAll(Array(pem.utf8), to: fd, path: temporary)
            guard fsync(fd) == 0 else { throw DKIMError("cannot sync \(temporary): \(lastError())") }
        }
        if overwrite {
            guard rename(temporary, path) == 0 else { throw DKIMError("cannot write \(path): \(lastError())") }
            placed = true
        } else {
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw DKIMError("\(path) already exists; --force replaces it") }
                throw DKIMError("cannot write \(path): \(lastError())")
            }
            unlink(temporary)
            placed = true
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Reads the private key at `path`.
    /// - Throws: ``DKIMError`` when the file cannot be read or holds no usable key.
    public static func read(_ path: String) throws(DKIMError) -> DKIMPrivateKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DKIMError("cannot read \(path): \(lastError())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DKIMError("cannot read \(path): \(lastError())")
            }
            if count == 0 { break }
            bytes += buffer.prefix(count)
            guard bytes.count <= maximumSize else { throw DKIMError("\(path) is too large to be a key") }
        }
        do {
            return try DKIMPrivateKey(pem: bytes)
        } catch let error as DKIMError {
            throw DKIMError("\(path): \(error.message)")
        } catch {
            throw DKIMError("\(path): \(error)")
        }
    }

    /// A warning when others than the owner may read or write the file at `path` (its mode has
    /// group or other bits), or nil.
    public static func exposure(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return nil }
        return "\(path) has mode \(String(mode, radix: 8)): other users can read the private key; chmod 600 it"
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(DKIMError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw DKIMError("cannot write \(path): \(lastError())")
            }
            offset += written
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
