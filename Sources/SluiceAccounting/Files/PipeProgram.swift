import Glibc

/// One running program whose standard input is the write end of a pipe held by this process:
/// the system calls of a pipe `<acct-file>`, and nothing else.
///
/// The program is started with `posix_spawn` (no shell): its standard input is the pipe, its
/// standard output `/dev/null`, its standard error the daemon's; it gets the daemon's
/// environment, every signal at its default action and unblocked, its own process group (so a
/// Ctrl-C meant for the daemon does not reach it before the daemon has flushed), and no other
/// descriptor of the daemon (close-from where the C library has it, close-on-exec otherwise).
/// The write end is non-blocking: ``write(_:)`` never waits for the reader.
struct PipeProgram {
    /// The child's process id, to reap and signal it.
    let pid: pid_t
    /// The write end of the child's standard input; -1 once closed.
    private(set) var input: Int32

    /// What a non-blocking write did.
    enum WriteResult: Equatable {
        /// This many bytes went into the pipe (maybe fewer than offered: the pipe is now full).
        case wrote(Int)
        /// The pipe is full; nothing was written.
        case full
        /// The reader is gone (`EPIPE`) or the descriptor failed: the errno.
        case failed(Int32)
    }

    /// How a reaped child ended.
    enum Ending: Equatable, CustomStringConvertible {
        /// `exit(status)`.
        case exited(Int32)
        /// Killed by this signal.
        case signalled(Int32)

        init(waitStatus status: Int32) {
            let signal = status & 0x7F
            self = signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
        }

        var description: String {
            switch self {
            case .exited(let status): return "exited with status \(status)"
            case .signalled(let signal): return "was killed by signal \(signal)"
            }
        }
    }

    /// Starts `program` with `arguments`; throws the errno of the failure (`ENOENT`, `EACCES`, …).
    static func start(program: String, arguments: [String]) throws(PipeProgramError) -> PipeProgram {
        _ = ignoreSIGPIPE
        var fds: [Int32] = [-1, -1]
        try makePipe(&fds)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        addCloseFrom(&actions, 3)
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        close(readEnd)
        guard status == 0 else {
            close(writeEnd)
            throw PipeProgramError(code: status)
        }
        return PipeProgram(pid: pid, input: writeEnd)
    }

    /// Writes what the pipe takes of `bytes` now, without waiting.
    func write(_ bytes: UnsafeRawBufferPointer) -> WriteResult {
        guard input >= 0 else { return .failed(EBADF) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .wrote(0) }
        while true {
            let n = Glibc.write(input, base, bytes.count)
            if n >= 0 { return .wrote(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .full
            case let code: return .failed(code)
            }
        }
    }

    /// Waits at most `milliseconds` for room in the pipe; true when there is room (or the reader
    /// is gone, which the next write reports).
    func waitWritable(milliseconds: Int32) -> Bool {
        guard input >= 0 else { return true }
        var descriptor = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
        return poll(&descriptor, 1, max(0, milliseconds)) > 0
    }

    /// Closes the pipe: the program reads end of file.
    mutating func closeInput() {
        guard input >= 0 else { return }
        close(input)
        input = -1
    }

    /// How `pid` ended, reaping it, or nil while it runs (never waits).
    static func reap(_ pid: pid_t) -> Ending? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Ending(waitStatus: status) }
            if result == -1, errno == EINTR { continue }
            // 0: still running. -1 (ECHILD): not ours to wait for any more; treat as gone.
            return result == 0 ? nil : .exited(-1)
        }
    }

    /// Kills `pid` with SIGKILL and waits for it (SIGKILL cannot be caught, so this is short).
    static func kill(_ pid: pid_t) {
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    }

    /// Sends SIGTERM to `pid`.
    static func terminate(_ pid: pid_t) {
        _ = Glibc.kill(pid, SIGTERM)
    }

    // MARK: - C library details

    /// A write to a pipe whose reader is gone raises SIGPIPE, which would end the daemon; it is
    /// ignored process-wide, once, before the first program starts (SwiftNIO does the same for
    /// its sockets), so the write fails with `EPIPE` instead. Children get it back at its default.
    private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// `pipe2(O_CLOEXEC)` where the C library has it (no other thread's child inherits the
    /// pipe), else `pipe` and `FD_CLOEXEC`; the write end is made non-blocking.
    private static func makePipe(_ fds: inout [Int32]) throws(PipeProgramError) {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
        let result: Int32
        if let pipe2: Pipe2 = symbol("pipe2") {
            result = pipe2(&fds, O_CLOEXEC)
        } else {
            result = pipe(&fds)
            if result == 0 { for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
        }
        guard result == 0 else { throw PipeProgramError(code: errno) }
        let flags = fcntl(fds[1], F_GETFL)
        guard flags >= 0, fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) == 0 else {
            let code = errno
            close(fds[0])
            close(fds[1])
            throw PipeProgramError(code: code)
        }
    }

    /// Closes every descriptor from `lowest` up in the child (glibc 2.34 and later).
    private static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        guard let closeFrom: CloseFrom = symbol("posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = closeFrom(&actions, lowest)
    }

    /// A C library function the Swift module does not declare (it needs `_GNU_SOURCE`).
    private static func symbol<Function>(_ name: String) -> Function? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: Function.self)
    }
}

/// A system call of ``PipeProgram`` failed.
struct PipeProgramError: Error, Equatable {
    /// The errno.
    var code: Int32

    /// The system's text for the errno, e.g. `No such file or directory`.
    var reason: String { String(cString: strerror(code)) }
}
