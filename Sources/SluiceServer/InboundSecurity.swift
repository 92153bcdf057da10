import SluiceConfig
import SluiceSMTP

/// The listeners' TLS and AUTH, from the configuration.
enum InboundSecurity {
    /// The `smtp-server-tls-certificate`, read and checked; nil without the directive.
    ///
    /// - Throws: ``NodeStartError/failed(part:reason:)`` naming the directive's file and line when
    ///   the file cannot be used.
    static func tls(_ configuration: ConfigModel) throws(NodeStartError) -> SMTPServerTLS? {
        guard let certificate = configuration.smtpServerTLSCertificate else { return nil }
        do { return try SMTPServerTLS.pemFile(certificate.path, passphrase: certificate.passphrase) } catch {
            throw NodeStartError.failed(part: "smtp-server-tls-certificate (\(certificate.location))", reason: error.description)
        }
    }

    /// Offers AUTH when the configuration has `<smtp-user>` blocks: PLAIN and LOGIN, checked
    /// against their passwords (a user without a password never authenticates); after AUTH the
    /// user's `source {name}` applies.
    static func configureAuth(_ smtp: inout SMTPServerConfiguration, configuration: ConfigModel,
                              policies: ConfigSourcePolicies) {
        guard !configuration.smtpUsers.isEmpty else { return }
        smtp.authenticator = SMTPServerConfiguration.authenticator(
            users: configuration.smtpUsers.compactMapValues(\.password))
        smtp.authenticatedPolicy = { user, client in policies.policy(authenticatedUser: user, clientAddress: client) }
    }
}
