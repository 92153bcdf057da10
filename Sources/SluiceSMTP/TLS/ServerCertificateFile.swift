import Foundation
import NIOCore
import SluiceTLS

/// Why a server certificate file cannot be used; ``description`` is one line for the operator.
public struct SMTPServerTLSError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    /// `/etc/sluice/mta.pem: it holds no private key …`.
    public var description: String { "\(path): \(reason)" }
}

extension SMTPServerTLS {
    /// STARTTLS (and implicit TLS) with the certificate chain and private key of one PEM file, as
    /// PowerMTA's `smtp-server-tls-certificate` takes them: the server's certificate first, then
    /// any intermediates, and the key anywhere in the file. `passphrase` decrypts an encrypted key;
    /// it is never asked for on the terminal.
    ///
    /// - Throws: ``SMTPServerTLSError`` when the file cannot be read, holds no certificate or no
    ///   (or more than one) private key, the key cannot be decrypted, or it does not belong to
    ///   the certificate.
    public static func pemFile(_ path: String, passphrase: String? = nil) throws(SMTPServerTLSError) -> SMTPServerTLS {
        func failure(_ reason: String) -> SMTPServerTLSError { SMTPServerTLSError(path: path, reason: reason) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw failure("cannot read the file: it does not exist")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw failure(isDirectory.boolValue ? "it is a directory, not a PEM file" : "cannot read the file: permission denied")
        }
        let blocks = PEMBlock.all(in: String(decoding: data, as: UTF8.self))
        let certificates = blocks.filter { $0.label == "CERTIFICATE" }
        let keys = blocks.filter { $0.label.hasSuffix("PRIVATE KEY") }
        guard !certificates.isEmpty else {
            throw failure("it holds no certificate (-----BEGIN CERTIFICATE-----); it must hold the certificate chain and the private key")
        }
        guard let key = keys.first else {
            throw failure("it holds no private key (-----BEGIN PRIVATE KEY-----); it must hold the certificate chain and the private key")
        }
        guard keys.count == 1 else { throw failure("it holds \(keys.count) private keys; keep only the certificate's") }
        if key.isEncrypted && passphrase == nil {
            throw failure("its private key is encrypted: give the passphrase after the file name "
                        + "(smtp-server-tls-certificate FILE PASSPHRASE)")
        }
        let chain: [TLSCertificate]
        do { chain = try certificates.map { try TLSCertificate(pem: Array($0.text.utf8)) } } catch {
            throw failure("a certificate in it cannot be read: \(error)")
        }
        let privateKey: TLSPrivateKey
        do {
            // Never prompts: without a passphrase an encrypted key is simply refused.
            privateKey = try TLSPrivateKey(pem: Array(key.text.utf8), passphrase: passphrase ?? "")
        } catch {
            throw failure(key.isEncrypted ? "its private key cannot be decrypted with the passphrase given"
                                          : "its private key cannot be read: \(error)")
        }
        let context: TLSContext
        do { context = try TLSContext.server(certificateChain: chain, privateKey: privateKey) } catch {
            throw failure("its private key does not belong to its first certificate, or the TLS library refused them: \(error)")
        }
        return server(context)
    }
}

/// One `-----BEGIN LABEL----- … -----END LABEL-----` block of a PEM file.
struct PEMBlock: Equatable {
    /// `CERTIFICATE`, `PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, …
    var label: String
    /// The block with its BEGIN and END lines.
    var text: String

    /// True for a passphrase-protected key (PKCS#8 `ENCRYPTED PRIVATE KEY`, or the traditional
    /// format's `Proc-Type: 4,ENCRYPTED` header).
    var isEncrypted: Bool { label.hasPrefix("ENCRYPTED") || text.contains("Proc-Type: 4,ENCRYPTED") }

    /// The complete blocks of `text` in order; text outside blocks (comments, bag attributes) and
    /// an unterminated block are left out.
    static func all(in text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var open: (label: String, lines: [Substring])?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if let label = marker(line, "BEGIN") {
                open = (label, [line])
            } else if var current = open {
                current.lines.append(line)
                open = current
                if marker(line, "END") == current.label {
                    blocks.append(PEMBlock(label: current.label, text: current.lines.joined(separator: "\n") + "\n"))
                    open = nil
                }
            }
        }
        return blocks
    }

    /// The label of a `-----BEGIN LABEL-----` (or END) line.
    private static func marker(_ line: Substring, _ kind: String) -> String? {
        let prefix = "-----\(kind) ", suffix = "-----"
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(prefix), trimmed.hasSuffix(suffix), trimmed.count > prefix.count + suffix.count else { return nil }
        return String(trimmed.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
