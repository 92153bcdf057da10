import SluiceCore
import SluiceDNS

/// A delivery connection as the node's core tracks it.
enum DeliveryLink: Hashable, Sendable {
    /// Being resolved and connected.
    case connecting
    /// Open to a target, under the transport's handle.
    case open(DeliveryHandle, DeliveryTarget)
    /// No connection: DNS said the domain takes no mail (or the queue discards); transactions get
    /// this reply.
    case verdict(SMTPReply)
}
