import Foundation
import Glibc
import SluiceBase

/// File-system queries the spool makes, public so that callers can reuse the default probe.
public enum FileSystem {
    /// Bytes available to unprivileged users on the file system holding `path` (statvfs), or nil.
    @Sendable public static func freeBytes(_ path: String) -> Int64? {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return nil }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }
}

/// Thin, throwing wrappers over the POSIX calls the spool needs.
enum POSIX {
    static func fail(_ operation: String, _ path: String) -> SpoolError {
        .io(operation: operation, path: path, errno: errno)
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o640) throws(SpoolError) -> Int32 {
        var fd: Int32
        repeat { fd = Glibc.open(path, flags | O_CLOEXEC, mode) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw fail("open", path) }
        return fd
    }

    /// Writes all of `bytes` at `offset`.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(SpoolError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            done += n
        }
    }

    /// Writes all of `bytes` at `offset`.
    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(SpoolError) {
        var failure: SpoolError?
        bytes.withUnsafeBytes { raw in
            do throws(SpoolError) { try write(fd, raw, at: offset, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes zeros over the first `size` bytes of the file (allocating its blocks).
    static func zeroFill(_ fd: Int32, size: Int64, path: String) throws(SpoolError) {
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while offset < size {
            let n = Int(min(Int64(chunk.count), size - offset))
            try write(fd, Array(chunk[0..<n]), at: offset, path: path)
            offset += Int64(n)
        }
    }

    /// Reads `count` bytes at `offset`; fewer only at end of file.
    static func read(_ fd: Int32, count: Int, at offset: Int64, path: String) throws(SpoolError) -> [UInt8] {
        var failure: SpoolError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = fail("read", path)
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if let failure { throw failure }
        return bytes
    }

    /// The whole content of the file at `path`.
    static func readFile(_ path: String) throws(SpoolError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("stat", path) }
        return try read(fd, count: Int(st.st_size), at: 0, path: path)
    }

    static func fdatasync(_ fd: Int32, path: String) throws(SpoolError) {
        guard Glibc.fdatasync(fd) == 0 else { throw fail("fdatasync", path) }
    }

    /// Makes the directory's entries (created, renamed, removed files) durable.
    static func syncDirectory(_ path: String) throws(SpoolError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw fail("fsync", path) }
    }

    /// Creates the directory if it does not exist, making its entry in the parent durable.
    static func makeDirectory(_ path: String) throws(SpoolError) {
        if mkdir(path, 0o750) != 0 {
            if errno == EEXIST { return }
            throw fail("mkdir", path)
        }
        var parent = path
        while parent.count > 1 && parent.hasSuffix("/") { parent.removeLast() }
        if let slash = parent.lastIndex(of: "/") {
            parent = slash == parent.startIndex ? "/" : String(parent[..<slash])
        } else {
            parent = "."
        }
        try syncDirectory(parent)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a directory, without `.` and `..`.
    static func list(_ path: String) throws(SpoolError) -> [String] {
        guard let dir = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func unlink(_ path: String) throws(SpoolError) {
        if Glibc.unlink(path) != 0 && errno != ENOENT { throw fail("unlink", path) }
    }

    static func rename(_ from: String, _ to: String) throws(SpoolError) {
        if Glibc.rename(from, to) != 0 { throw fail("rename", from) }
    }

    static func fileSize(_ fd: Int32, path: String) throws(SpoolError) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("stat", path) }
        return Int64(st.st_size)
    }
}

/// An open segment file; closed when the last reference goes, so readers holding one are safe
/// from a concurrent deletion.
final class SegmentFile: Sendable {
    let number: UInt32
    let path: String
    let fd: Int32

    init(number: UInt32, path: String, fd: Int32) {
        self.number = number
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }
}

/// An exclusive `flock` on the spool's lock file, released by `release()` or on deinit.
final class DirectoryLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var fd: Int32?

    /// Takes the lock or throws `SpoolError.locked(path: directory)`.
    ///
    /// A lock just released by this process can still be held for a moment by a child that was
    /// being spawned when the lock file was open (the descriptor lives until the child's exec closes
    /// it), so a busy lock is retried for up to `patience` before it counts as another process's.
    init(path: String, directory: String, patience: Duration = .seconds(2)) throws(SpoolError) {
        let fd = try POSIX.open(path, O_RDWR | O_CREAT)
        let deadline = RealTimeDeadline(after: patience)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, !deadline.hasPassed else {
                close(fd)
                throw .locked(path: directory)
            }
            deadline.pause(.milliseconds(20))
        }
        self.fd = fd
    }

    func release() {
        mutex.lock()
        defer { mutex.unlock() }
        if let fd { close(fd) }
        fd = nil
    }

    deinit { release() }
}
