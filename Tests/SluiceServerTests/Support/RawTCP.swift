import Glibc

/// A blocking TCP connection to 127.0.0.1:`port` with a 10-second receive timeout.
func connectTo(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestError("socket() failed: \(errno)") }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    guard connected else {
        close(fd)
        throw TestError("connect() failed: \(errno)")
    }
    return fd
}

/// The first line the server sends (up to CRLF), or what came before a close or the timeout.
func readLine(_ fd: Int32) throws -> String {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while bytes.count < 512, read(fd, &byte, 1) == 1 {
        bytes.append(byte)
        if byte == 10 { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}
