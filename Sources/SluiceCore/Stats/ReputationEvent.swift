/// One input of the reputation stats: an outcome of the reputation loop as the node reports it.
/// `domain` is the queue's domain (a rollup's queue name when the mail went through one);
/// `vmta` is empty when the original message of a report could not be found.
public enum ReputationEvent: Hashable, Sendable {
    /// A recipient was delivered: the denominator of the complaint rates.
    case delivered(domain: String, vmta: String)
    /// A recipient complained (a feedback-loop report), with its feedback type (`abuse`, …).
    case complaint(domain: String, vmta: String, recipient: String, feedbackType: String, detail: String)
    /// A bounce reported after the remote server had accepted the mail.
    case asyncBounce(domain: String, vmta: String, recipient: String, code: Int, category: String, detail: String)
    /// An injection was refused or dropped because the recipient is suppressed.
    case suppressed
    /// A DSN was generated for a sender, with its action (`failed`, `delayed`, `relayed`).
    case dsnSent(action: String)
    /// An inbound report could not be read.
    case reportUnparsed
}
