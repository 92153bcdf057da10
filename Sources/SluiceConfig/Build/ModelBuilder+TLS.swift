extension ModelBuilder {
    // MARK: - TLS on the listeners

    /// `smtp-listener ADDR:PORT [tls=yes|no]`.
    mutating func smtpListenerDirective(_ d: DirectiveNode) {
        guard let first = d.arguments.first else {
            error(d.location, "'\(d.name.text)' needs a value")
            return
        }
        let address: ListenAddress
        do { address = try ListenAddress(parsing: first.text) } catch {
            self.error(first.location, "invalid value for '\(d.name.text)': \(error)")
            return
        }
        var listener = SMTPListener(address: address, location: d.location)
        for option in d.arguments.dropFirst() {
            if let implicitTLS = listenerOption(option, context: "smtp-listener") { listener.implicitTLS = implicitTLS }
        }
        model.smtpListeners.append(listener)
    }

    /// One option after a listener's address: `tls=yes|no`; nil after an error.
    mutating func listenerOption(_ word: Word, context: String) -> Bool? {
        let parts = word.text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].lowercased() == "tls" else {
            error(word.location, "unknown option '\(word.text)' of '\(context)'; expected tls=yes or tls=no")
            return nil
        }
        do { return try parseBool(parts[1]) } catch {
            self.error(word.location, "invalid value for '\(context)' option tls: \(error)")
            return nil
        }
    }

    /// `smtp-server-tls-certificate FILE [PASSPHRASE]`. The file is not read here: like every
    /// other path in the configuration it is used when the node starts.
    mutating func serverTLSCertificate(_ d: DirectiveNode) {
        guard (1...2).contains(d.arguments.count), !d.arguments[0].text.isEmpty else {
            error(d.arguments.count > 2 ? d.arguments[2].location : d.valueLocation,
                  "'\(d.name.text)' takes a PEM file holding the certificate chain and the private key, and the key's "
                + "passphrase if it is encrypted, e.g. smtp-server-tls-certificate /etc/sluice/mta.pem")
            return
        }
        model.smtpServerTLSCertificate = ServerTLSCertificate(
            path: d.arguments[0].text, passphrase: d.arguments.count == 2 ? d.arguments[1].text : nil, location: d.location)
    }

    /// A `tls=yes` listener needs `smtp-server-tls-certificate` (which may come later in the file).
    mutating func checkListenerTLS() {
        guard model.smtpServerTLSCertificate == nil else { return }
        for listener in model.smtpListeners where listener.implicitTLS {
            error(listener.location, "smtp-listener \(listener.address) has tls=yes but there is no "
                                   + "smtp-server-tls-certificate to present; add smtp-server-tls-certificate FILE "
                                   + "(one PEM file with the certificate chain and the private key) or remove tls=yes")
        }
    }
}
