import CResolv
import Foundation

/// DNS queries through the system's resolver library (libresolv, configured by
/// /etc/resolv.conf), each on its own thread because the calls block: never on the event loop
/// or the cooperative pool.
public struct SystemResolver: DNSQuerying {
    /// A name server to use instead of resolv.conf's (IPv4 only), e.g. a loopback test stub.
    public var nameserver: (address: String, port: UInt16)?
    /// Seconds to wait for each try.
    public var timeoutSeconds: Int32
    /// Tries per query.
    public var attempts: Int32

    /// Creates a resolver.
    public init(nameserver: (address: String, port: UInt16)? = nil, timeoutSeconds: Int32 = 5, attempts: Int32 = 2) {
        self.nameserver = nameserver
        self.timeoutSeconds = timeoutSeconds
        self.attempts = attempts
    }

    /// Queries `name` for `type` on a separate thread.
    public func query(_ name: String, type: DNSRecordType) async -> DNSQueryResult {
        let settings = self
        return await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: settings.blockingQuery(name, type: type)) }
            thread.start()
        }
    }

    private func blockingQuery(_ name: String, type: DNSRecordType) -> DNSQueryResult {
        guard let state = sluice_res_new() else { return .failed("resolver initialisation failed") }
        defer { sluice_res_free(state) }
        sluice_res_set_timeouts(state, timeoutSeconds, attempts)
        if let nameserver {
            guard let address = IPv4(nameserver.address) else { return .failed("name server \(nameserver.address) is not IPv4") }
            sluice_res_set_server(state, address, nameserver.port)
        }
        var answer = [UInt8](repeating: 0, count: 65_536)
        errno = 0
        let length = answer.withUnsafeMutableBufferPointer { buffer in
            sluice_res_lookup(state, name, type.rawValue, buffer.baseAddress, Int32(buffer.count))
        }
        guard length > 0 else { return .failed("no answer for \(name) \(type): \(Self.reason(errno: errno))") }
        do {
            return .response(try DNSMessage(parsing: Array(answer[0..<Int(min(length, 65_536))])))
        } catch {
            return .failed("malformed answer for \(name): \(error.reason)")
        }
    }

    /// Why res_nsend gave no answer, from the errno it leaves. glibc skips a SERVFAIL, REFUSED or
    /// NOTIMP answer (to try the next server) and then reports ETIMEDOUT as for a silent server;
    /// ECONNREFUSED means no server was reached (nothing listening).
    static func reason(errno code: Int32) -> String {
        switch code {
        case ETIMEDOUT: return "no usable answer (timed out, or the name server answered SERVFAIL or REFUSED)"
        case ECONNREFUSED: return "no name server reachable (connection refused)"
        case 0: return "no answer (timeout or no name server)"
        default: return "no answer: \(String(cString: strerror(code)))"
        }
    }

    private func IPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
