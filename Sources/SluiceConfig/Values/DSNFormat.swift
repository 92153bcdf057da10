/// `dsn-format`: how a delivery status notification is laid out for its receiver.
public enum DSNFormat: String, Hashable, Sendable, CaseIterable {
    /// RFC 3464's `multipart/report; report-type=delivery-status` (PowerMTA's default).
    case standard
    /// PowerMTA's `plain-text`: one `text/plain` part carrying the explanation and the
    /// delivery-status fields, for receivers whose filters strip attachments.
    case plainText = "plain-text"
}
