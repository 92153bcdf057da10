/// The `RET=` parameter of `MAIL FROM` (RFC 3461 §4.3): how much of the original message a DSN
/// returns.
public enum DSNReturn: String, Hashable, Sendable {
    /// `RET=HDRS`: the headers only (`text/rfc822-headers`). Also what Sluice returns without `RET`.
    case headers = "HDRS"
    /// `RET=FULL`: the whole message (`message/rfc822`).
    case full = "FULL"

    /// Parses the parameter's value, case-insensitively; nil for anything else.
    public init?(parameter: String) {
        self.init(rawValue: parameter.uppercased())
    }
}

/// The `NOTIFY=` parameter of `RCPT TO` (RFC 3461 §4.1): when the sender wants a DSN.
/// The empty set is `NOTIFY=NEVER`.
public struct DSNNotify: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates a set from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `SUCCESS`: report delivery.
    public static let success = DSNNotify(rawValue: 1)
    /// `FAILURE`: report a bounce or an expiry.
    public static let failure = DSNNotify(rawValue: 2)
    /// `DELAY`: report that delivery is delayed.
    public static let delay = DSNNotify(rawValue: 4)
    /// `NEVER`: no DSN at all.
    public static let never: DSNNotify = []

    /// What Sluice does for a recipient without `NOTIFY`: failures only (RFC 3461 leaves delay
    /// reports to the MTA; Sluice sends them only when asked).
    public static let `default`: DSNNotify = .failure

    /// Parses `NEVER` or a comma-separated list of `SUCCESS`, `FAILURE`, `DELAY` (any case); nil
    /// for an unknown keyword, an empty item, or `NEVER` combined with another.
    public init?(parameter: String) {
        let items = parameter.uppercased().split(separator: ",", omittingEmptySubsequences: false)
        if items == ["NEVER"] { self = .never; return }
        var set: DSNNotify = []
        for item in items {
            switch item {
            case "SUCCESS": set.insert(.success)
            case "FAILURE": set.insert(.failure)
            case "DELAY": set.insert(.delay)
            default: return nil
            }
        }
        self = set
    }
}
