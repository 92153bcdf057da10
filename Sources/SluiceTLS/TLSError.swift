import CSSL

/// A TLS failure, with OpenSSL's reasons where it gave any; ``description`` is one line.
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was being done: `handshake failed`, `the certificate cannot be read`, ….
    public let what: String
    /// OpenSSL's error queue, oldest first (`error:0A000086:SSL routines::certificate verify failed`).
    public let reasons: [String]

    /// Creates an error from its parts.
    public init(_ what: String, reasons: [String] = []) {
        self.what = what
        self.reasons = reasons
    }

    /// `handshake failed: error:0A00010B:SSL routines::wrong version number`.
    public var description: String { reasons.isEmpty ? what : "\(what): \(reasons.joined(separator: "; "))" }

    /// An error carrying (and clearing) this thread's OpenSSL error queue.
    static func fromQueue(_ what: String) -> TLSError {
        TLSError(what, reasons: drainErrorQueue())
    }

    /// Empties this thread's OpenSSL error queue, returning its entries as text, oldest first.
    static func drainErrorQueue() -> [String] {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons
    }
}
