/// An `smtp-listener ADDRESS` directive or `<smtp-listener ADDRESS>` block: where Sluice accepts
/// mail.
public struct SMTPListener: Hashable, Sendable {
    /// The address and port.
    public var address: ListenAddress
    /// `source {name}` inside the block: the named `<source>` that governs connections on this
    /// listener instead of matching the client's address.
    public var sourceName: String?
    /// `tls=yes` [no]: implicit TLS (SMTPS, as on port 465): the TLS handshake comes before the
    /// greeting, with the `smtp-server-tls-certificate`; such a listener does not offer STARTTLS.
    public var implicitTLS: Bool
    /// Where it is defined.
    public var location: SourceLocation

    /// Creates a listener.
    public init(address: ListenAddress, sourceName: String? = nil, implicitTLS: Bool = false, location: SourceLocation) {
        self.address = address
        self.sourceName = sourceName
        self.implicitTLS = implicitTLS
        self.location = location
    }
}

/// `smtp-server-tls-certificate FILE [PASSPHRASE]`: the certificate the SMTP listeners present,
/// for STARTTLS and for `tls=yes` listeners. As in PowerMTA, FILE is one PEM file holding the
/// certificate chain (server certificate first) and the private key; PASSPHRASE decrypts an
/// encrypted key. The file is read when the node starts, not by `check-config`.
public struct ServerTLSCertificate: Hashable, Sendable {
    /// The PEM file.
    public var path: String
    /// The private key's passphrase, if it is encrypted.
    public var passphrase: String?
    /// Where the directive is.
    public var location: SourceLocation

    /// Creates the setting.
    public init(path: String, passphrase: String? = nil, location: SourceLocation) {
        self.path = path
        self.passphrase = passphrase
        self.location = location
    }
}

/// The rights an `http-access` line grants.
public enum HTTPAccessLevel: String, Hashable, Sendable, CaseIterable {
    /// No access.
    case none
    /// Read-only status pages and metrics.
    case monitor
    /// Everything, including holds, pauses and overrides.
    case admin
}

/// `http-access CIDR LEVEL`: who may use the HTTP management port.
public struct HTTPAccessRule: Hashable, Sendable {
    /// The client addresses the rule covers.
    public var clients: CIDR
    /// What they may do.
    public var level: HTTPAccessLevel
    /// Where the line is.
    public var location: SourceLocation

    /// Creates a rule.
    public init(clients: CIDR, level: HTTPAccessLevel, location: SourceLocation) {
        self.clients = clients
        self.level = level
        self.location = location
    }
}

/// A `<spool PATH>` block: a directory where messages are stored until delivered.
public struct SpoolSettings: Hashable, Sendable {
    /// The spool directory.
    public var path: String
    /// `delete-file-holders` [no]: delete files that cannot be read as messages on start-up.
    public var deleteFileHolders: Bool
    /// `min-free-space` [one spool segment, 64M]: below this much free space on the spool's file
    /// system new mail is refused with `452 4.3.1`; delivery progress is still written.
    public var minimumFreeSpace: ByteSize?
    /// Where the block opens.
    public var location: SourceLocation

    /// Creates spool settings.
    public init(path: String, deleteFileHolders: Bool = false, location: SourceLocation) {
        self.path = path
        self.deleteFileHolders = deleteFileHolders
        self.location = location
    }
}
