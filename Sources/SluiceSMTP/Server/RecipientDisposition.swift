import SluiceBase

/// What the node says about one `RCPT TO` address, asked before the reply: the listener's seam for
/// local addresses (bounce and feedback-loop processors) and the suppression list.
public enum RecipientDisposition: Sendable, Equatable {
    /// No opinion: the source's relaying rules decide.
    case ordinary
    /// A local address of the node (e.g. a `<bounce-processor>` address): accepted from any
    /// client, whatever its relaying rights, and consumed by the node rather than relayed.
    case local
    /// Refused with this reply once the relaying rules have accepted the address (so that a client
    /// without relaying rights learns nothing more than `Relaying denied`). Not counted as a
    /// client error: a list with many suppressed addresses must not get its session closed.
    case refuse(SMTPReply)
}
