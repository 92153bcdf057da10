/// Who asked for an operator action, as recorded with every control and in the audit log.
public struct ControlActor: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The operating-system user of a socket client (uid and user name).
    public var uid: UInt32?
    /// The user name, when `uid` is set and the name could be looked up.
    public var user: String?
    /// The id of the HTTP API token used, for HTTP clients.
    public var tokenID: String?
    /// The client kind that becomes a live override's origin: `cli`, `console`, `http:TOKENID`.
    public var label: String

    /// A socket client identified by its peer credentials; `label` is the client kind it declared.
    public static func socketPeer(uid: UInt32, user: String?, label: String) -> ControlActor {
        ControlActor(uid: uid, user: user, tokenID: nil, label: label)
    }

    /// An HTTP API client identified by its bearer token.
    public static func token(_ id: String) -> ControlActor {
        ControlActor(uid: nil, user: nil, tokenID: id, label: "http:\(id)")
    }

    /// Creates an actor.
    public init(uid: UInt32?, user: String?, tokenID: String?, label: String) {
        self.uid = uid
        self.user = user
        self.tokenID = tokenID
        self.label = label
    }

    /// `alice (uid 1000) via cli`, `token ops via http:ops`.
    public var description: String {
        if let tokenID { return "token \(tokenID)" }
        let name = user ?? "uid \(uid.map(String.init) ?? "?")"
        let id = user != nil ? " (uid \(uid.map(String.init) ?? "?"))" : ""
        return "\(name)\(id) via \(label)"
    }

    enum CodingKeys: String, CodingKey {
        case uid, user, label
        case tokenID = "token_id"
    }
}
