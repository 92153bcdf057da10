/// PowerMTA's `type` directive in `<domain>`: how a queue's mail is delivered.
///
/// PowerMTA's `pipe`, `file` and `http-delivery` types are refused rather than accepted: taking
/// them as `smtp` would send mail meant for a program or a file to the domain's MX.
public enum DeliveryType: String, Hashable, Sendable {
    /// Delivered over SMTP to the domain's MX hosts (or `smtp-hosts`).
    case smtp
    /// Accepted and dropped, each recipient recorded as delivered (PowerMTA's test sink).
    case discard

    /// Parses `smtp` or `discard` (any case).
    public init(parsing text: String) throws(ValueError) {
        switch text.lowercased() {
        case "smtp": self = .smtp
        case "discard": self = .discard
        case "pipe", "file", "http-delivery":
            throw ValueError(expected: "smtp or discard (type \(text.lowercased()) is not supported: "
                                     + "docs/pmta-compat.md#type)", found: text)
        default: throw ValueError(expected: "smtp or discard", found: text)
        }
    }
}
