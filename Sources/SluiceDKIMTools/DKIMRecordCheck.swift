import Foundation
import SluiceDKIM
import SluiceDNS

/// Checks what a selector publishes against a private key: a pure function of the TXT lookup's
/// result, so every verdict is testable without DNS.
public struct DKIMRecordCheck: Sendable {
    /// Where the record was looked up.
    public let name: DKIMRecordName
    /// The private key the record should publish.
    public let key: DKIMPrivateKey

    /// Creates a check.
    public init(name: DKIMRecordName, key: DKIMPrivateKey) {
        self.name = name
        self.key = key
    }

    /// The verdict on the TXT records found at ``name``.
    public func verdict(for lookup: RecordLookupResult) -> DKIMRecordVerdict {
        let texts: [String]
        switch lookup {
        case .failed(let reason): return .lookupFailed(reason)
        case .noSuchName: return .noRecord("the name does not exist (NXDOMAIN)")
        case .noRecords: return .noRecord("the name exists but has no TXT record")
        case .records(let found): texts = found
        }
        guard texts.count == 1, let text = texts.first else {
            return .malformed("\(texts.count) TXT records; a selector must publish exactly one (RFC 6376 §3.6.2.2), "
                              + "receivers may use any of them")
        }
        let record: DKIMKeyRecord
        do { record = try DKIMKeyRecord(parsing: text) } catch {
            return .malformed("\(error) in \"\(Self.excerpt(text))\"")
        }
        if record.publicKey.isEmpty { return .revoked }
        guard record.keyType == key.type.rawValue else {
            if key.publishedForms.contains(record.publicKey) {
                return .malformed("k=\(record.keyType) but p= holds this \(key.type.rawValue) key; publish k=\(key.type.rawValue)")
            }
            return .differs(published: record)
        }
        guard record.matches(key) else { return .differs(published: record) }
        if let hashes = record.tags["h"], !Self.list(hashes).contains("sha256") {
            return .restricted("h=\(hashes) leaves out sha256, which Sluice signs with")
        }
        if let services = record.tags["s"], !Self.list(services).contains(where: { $0 == "email" || $0 == "*" }) {
            return .restricted("s=\(services) does not allow email")
        }
        return .matches(record)
    }

    /// The verdict as one line for the terminal; `keyLabel` names the key (its file).
    public func report(_ verdict: DKIMRecordVerdict, keyLabel: String) -> String {
        let local = "\(keyLabel) (\(Self.describe(key)), \(DKIMKeyRecord(publishing: key).fingerprint))"
        switch verdict {
        case .matches(let record):
            let testing = Self.list(record.tags["t"] ?? "").contains("y")
                ? "; t=y: receivers may treat failures as a test" : ""
            return "\(name) publishes the key in \(local)\(testing)"
        case .differs(let published):
            return "\(name) publishes a different key: published k=\(published.keyType) \(published.fingerprint), "
                + "key file \(local)"
        case .revoked:
            return "\(name) is revoked (empty p=): receivers fail every signature with this selector"
        case .restricted(let reason):
            return "\(name) publishes the key in \(keyLabel) but restricts it: \(reason)"
        case .noRecord(let reason):
            return "no DKIM record at \(name): \(reason)"
        case .lookupFailed(let reason):
            return "cannot look up \(name) TXT: \(reason)"
        case .malformed(let reason):
            return "\(name) has a malformed DKIM record: \(reason)"
        }
    }

    /// `rsa 2048-bit` or `ed25519`.
    static func describe(_ key: DKIMPrivateKey) -> String {
        key.type == .rsa ? "rsa \(key.bits)-bit" : key.type.rawValue
    }

    /// A colon-separated tag value as its lowercased items.
    static func list(_ value: String) -> [String] {
        value.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// The start of a record, for a message.
    static func excerpt(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}
