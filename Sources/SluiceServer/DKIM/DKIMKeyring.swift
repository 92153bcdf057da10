import Foundation
import SluiceConfig
import SluiceDKIM

/// The DKIM keys of a configuration, read from their files and checked: the top-level
/// `domain-key` lines and each `<virtual-mta>`'s.
///
/// Read whenever a configuration is put to use (start, `reload`, `check-config`), so a rotated
/// key file is picked up by `sluice reload`; mail already queued keeps the signature it got.
public struct DKIMKeyring: Sendable {
    /// A key line with its key.
    public struct Entry: Sendable {
        /// The configuration line.
        public var line: DomainKey
        /// The key read from its file.
        public var key: DKIMPrivateKey

        /// `SELECTOR._domainkey.DOMAIN` (the domain `*` for a wildcard key).
        public var recordName: String { "\(line.selector)._domainkey.\(line.domain)" }

        /// How the console and `show settings` name the key: record name, type and size, file.
        public var summary: String {
            "\(recordName) (\(key.type == .rsa ? "rsa-\(key.bits)" : "ed25519"), \(line.resolvedPath))"
        }
    }

    /// The top-level keys in file order.
    public private(set) var global: [Entry] = []
    /// Each vmta's own keys in file order.
    public private(set) var byVirtualMTA: [String: [Entry]] = [:]

    /// No keys.
    public init() {}

    /// Whether any key is configured.
    public var isEmpty: Bool { global.isEmpty && byVirtualMTA.values.allSatisfy(\.isEmpty) }

    /// Reads every key file `configuration` names. A file that cannot be read, is not an RSA or
    /// Ed25519 private key, or holds RSA under 1,024 bits is an error at its `domain-key` line;
    /// RSA under 2,048 bits and a file others may read are warnings. Keys with errors are left out.
    public static func load(_ configuration: ConfigModel) -> (keyring: DKIMKeyring, diagnostics: [Diagnostic]) {
        var keyring = DKIMKeyring()
        var diagnostics: [Diagnostic] = []
        var cache: [String: DKIMPrivateKey] = [:]
        func read(_ lines: [DomainKey]) -> [Entry] {
            lines.compactMap { line in
                let path = line.resolvedPath
                if let key = cache[path] { return Entry(line: line, key: key) }
                let (key, findings) = readKey(line)
                diagnostics += findings
                if let key { cache[path] = key }
                return key.map { Entry(line: line, key: $0) }
            }
        }
        keyring.global = read(configuration.domainKeys)
        for vmta in configuration.virtualMTAs.values.sorted(by: { $0.name < $1.name }) where !vmta.domainKeys.isEmpty {
            keyring.byVirtualMTA[vmta.name] = read(vmta.domainKeys)
        }
        return (keyring, diagnostics)
    }

    private static func readKey(_ line: DomainKey) -> (DKIMPrivateKey?, [Diagnostic]) {
        let path = line.resolvedPath
        let where_ = line.location
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable by this user" : "no such file"
            return (nil, [Diagnostic(.error, where_, "cannot read DKIM key file '\(path)' (\(reason)); "
                                                     + "create one with: sluice dkim keygen --domain \(line.domain) --selector \(line.selector)")])
        }
        let key: DKIMPrivateKey
        do { key = try DKIMPrivateKey(pem: Array(data)) } catch {
            return (nil, [Diagnostic(.error, where_, "DKIM key file '\(path)' is not usable: \(error); "
                                                     + "expected an unencrypted RSA or Ed25519 private key in PEM")])
        }
        var findings: [Diagnostic] = []
        if key.type == .rsa, key.bits < 1024 {
            return (nil, [Diagnostic(.error, where_, "DKIM key '\(path)' is RSA-\(key.bits): verifiers reject RSA keys "
                                                     + "under 1024 bits (RFC 8301); generate a 2048-bit one")])
        }
        if key.type == .rsa, key.bits < 2048 {
            findings.append(Diagnostic(.warning, where_, "DKIM key '\(path)' is RSA-\(key.bits): accepted, but Gmail and "
                                                         + "Yahoo expect 2048 bits; rotate to a 2048-bit key"))
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            findings.append(Diagnostic(.warning, where_, "DKIM key file '\(path)' may be read by other users (mode "
                                                         + String(mode & 0o777, radix: 8) + "); chmod 600 it"))
        }
        return (key, findings)
    }

    /// The key that signs for `domain` (an identity's domain) in mail sent through `vmta`: the
    /// vmta's keys first, then the top-level ones; in each, a key for the domain itself, then
    /// for its nearest parent domain, then a `*` key. `algorithm` keeps only keys of that kind.
    public func key(for domain: String, vmta: String, algorithm: DKIMAlgorithmSetting?) -> Entry? {
        let domain = domain.lowercased()
        var candidates = [domain]
        var labels = domain.split(separator: ".")
        while labels.count > 2 {
            labels.removeFirst()
            candidates.append(labels.joined(separator: "."))
        }
        candidates.append(DomainKey.anyDomain)
        for scope in [byVirtualMTA[vmta] ?? [], global] {
            let usable = scope.filter { algorithm == nil || $0.key.type.algorithm == algorithm?.rawValue }
            for candidate in candidates {
                if let entry = usable.first(where: { $0.line.domain == candidate }) { return entry }
            }
        }
        return nil
    }
}
