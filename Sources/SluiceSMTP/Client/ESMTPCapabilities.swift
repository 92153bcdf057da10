import SluiceBase

/// What a peer announced in its EHLO reply (RFC 5321 §4.1.1.1).
public struct ESMTPCapabilities: Hashable, Sendable {
    /// The reply was to EHLO (false after a HELO fallback: no extensions).
    public var extended: Bool
    /// PIPELINING (RFC 2920).
    public var pipelining: Bool
    /// SIZE (RFC 1870), with the limit when one was given (0 means none).
    public var size: Int?
    /// 8BITMIME (RFC 6152).
    public var eightBitMIME: Bool
    /// STARTTLS (RFC 3207).
    public var startTLS: Bool
    /// DSN (RFC 3461).
    public var dsn: Bool
    /// ENHANCEDSTATUSCODES (RFC 2034).
    public var enhancedStatusCodes: Bool
    /// AUTH mechanisms (RFC 4954), uppercased.
    public var authMechanisms: [String]

    /// The capabilities of a HELO-only peer.
    public static let none = ESMTPCapabilities(extended: false, pipelining: false, size: nil, eightBitMIME: false,
                                               startTLS: false, dsn: false, enhancedStatusCodes: false, authMechanisms: [])

    /// Creates capabilities.
    public init(extended: Bool, pipelining: Bool, size: Int?, eightBitMIME: Bool, startTLS: Bool, dsn: Bool,
                enhancedStatusCodes: Bool, authMechanisms: [String]) {
        self.extended = extended
        self.pipelining = pipelining
        self.size = size
        self.eightBitMIME = eightBitMIME
        self.startTLS = startTLS
        self.dsn = dsn
        self.enhancedStatusCodes = enhancedStatusCodes
        self.authMechanisms = authMechanisms
    }

    /// Reads the lines after the first of a 250 EHLO reply; keywords are case-insensitive.
    public init(ehloReply reply: SMTPReply) {
        self = .none
        extended = true
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let keyword = words.first?.uppercased() else { continue }
            switch keyword {
            case "PIPELINING": pipelining = true
            case "SIZE": size = words.count > 1 ? Int(words[1]) ?? 0 : 0
            case "8BITMIME": eightBitMIME = true
            case "STARTTLS": startTLS = true
            case "DSN": dsn = true
            case "ENHANCEDSTATUSCODES": enhancedStatusCodes = true
            case "AUTH": authMechanisms = words.dropFirst().map { $0.uppercased() }
            default: continue
            }
        }
    }
}
