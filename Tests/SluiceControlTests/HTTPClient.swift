import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a blocking socket that can choose its source address
/// (the whole 127.0.0.0/8 works on loopback, so 127.0.0.2 plays a second host).
struct TestHTTPResponse: @unchecked Sendable {
    var status: Int
    var headers: [String: String]
    var body: String
    var json: [String: Any]? { jsonObject(body) }
}

/// A TCP connection from `source` to 127.0.0.1:`port` whose reads give up after `timeoutSeconds`.
func connectTCP(port: Int, from source: String = "127.0.0.1", timeoutSeconds: Int = 10) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RawSocketError("socket") }
    func address(_ ip: String, _ port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &a.sin_addr)
        return a
    }
    var local = address(source, 0)
    var remote = address("127.0.0.1", port)
    let size = socklen_t(MemoryLayout<sockaddr_in>.size)
    guard withUnsafePointer(to: &local, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }) == 0 else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw RawSocketError("bind \(source): \(reason)")
    }
    guard withUnsafePointer(to: &remote, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } }) == 0 else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw RawSocketError("connect: \(reason)")
    }
    var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    return fd
}

/// What a raw exchange read: the bytes, and whether the server ended the stream (rather than the
/// read timing out with the connection still open).
struct RawExchange: Sendable {
    var response: String
    var closedByServer: Bool
}

/// Writes `request` as is and reads until the server closes the connection or `timeoutSeconds`
/// pass without a byte.
func rawHTTPExchange(port: Int, request: [UInt8], timeoutSeconds: Int = 10) async throws -> RawExchange {
    try await offPool {
        let fd = try connectTCP(port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { throw RawSocketError("write") }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                response += chunk[..<n]
            } else if n < 0, errno == EINTR {
                continue
            } else {
                // 0 is the end of the stream; a reset is a close too; EAGAIN is the timeout.
                let closed = n == 0 || errno == ECONNRESET
                return RawExchange(response: String(decoding: response, as: UTF8.self), closedByServer: closed)
            }
        }
    }
}

func httpRequest(port: Int, from source: String = "127.0.0.1", method: String = "GET", path: String,
                 token: String? = nil, body: String? = nil) throws -> TestHTTPResponse {
    let fd = try connectTCP(port: port, from: source)
    defer { close(fd) }
    var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if let token { request += "Authorization: Bearer \(token)\r\n" }
    let bodyBytes = Array((body ?? "").utf8)
    request += "Content-Length: \(bodyBytes.count)\r\n\r\n"
    let bytes = Array(request.utf8) + bodyBytes
    guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else { throw RawSocketError("write") }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        response += chunk[..<n]
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw RawSocketError("no HTTP response: \(text)") }
    let headLines = text[..<split.lowerBound].split(separator: "\r\n")
    guard let statusLine = headLines.first, let status = Int(statusLine.split(separator: " ")[1]) else {
        throw RawSocketError("bad status line")
    }
    var headers: [String: String] = [:]
    for line in headLines.dropFirst() {
        if let colon = line.firstIndex(of: ":") {
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return TestHTTPResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
}

func httpRequestAsync(port: Int, from source: String = "127.0.0.1", method: String = "GET", path: String,
                      token: String? = nil, body: String? = nil) async throws -> TestHTTPResponse {
    try await offPool { try httpRequest(port: port, from: source, method: method, path: path, token: token, body: body) }
}
