import Foundation

/// Signs messages with DKIM (RFC 6376, RFC 8463): computes `DKIM-Signature` fields and puts them
/// at the top of the message. Pure apart from the key's libcrypto calls; the time is given.
public enum DKIMSigner {
    /// `message` with one `DKIM-Signature` field per specification at its top, each computed over
    /// the message as given (no signature covers another).
    ///
    /// - Parameters:
    ///   - message: the whole message with CRLF line endings.
    ///   - unixTime: seconds since the epoch, for `t=` and `x=`.
    public static func sign(_ message: [UInt8], with specifications: [DKIMSignatureSpec], unixTime: Int64) throws -> [UInt8] {
        guard !specifications.isEmpty else { return message }
        var fields: [UInt8] = []
        for specification in specifications {
            fields += try signatureField(for: message, specification: specification, unixTime: unixTime)
        }
        return fields + message
    }

    /// The `DKIM-Signature` field (folded, ending in CRLF) that signs `message` per `specification`.
    public static func signatureField(for message: [UInt8], specification: DKIMSignatureSpec,
                                      unixTime: Int64) throws -> [UInt8] {
        try message.withUnsafeBufferPointer { bytes in
            let layout = MessageLayout(bytes)
            guard let hasher = SHA256Hasher() else { throw DKIMError("out of memory hashing the body") }
            specification.bodyCanonicalization.feedBody(UnsafeBufferPointer(rebasing: bytes[layout.bodyStart...]), to: hasher)
            let bodyLength = hasher.count
            let bodyHash = hasher.finish()

            let names = signedNames(specification, layout: layout)
            var unsigned = SignatureFieldBuilder()
            unsigned.add("v=1")
            unsigned.add("a=\(specification.key.type.algorithm)")
            unsigned.add("c=\(specification.headerCanonicalization.rawValue)/\(specification.bodyCanonicalization.rawValue)")
            unsigned.add("d=\(specification.domain)")
            unsigned.add("s=\(specification.selector)")
            if let identity = specification.identity { unsigned.add("i=\(identity)") }
            if specification.addTimestamp || specification.expireAfterSeconds != nil { unsigned.add("t=\(unixTime)") }
            if let expiry = specification.expireAfterSeconds { unsigned.add("x=\(unixTime + expiry)") }
            if specification.addBodyLength { unsigned.add("l=\(bodyLength)") }
            unsigned.addList("h", names)
            unsigned.add("bh=\(Data(bodyHash).base64EncodedString())")
            unsigned.addLast("b=")

            // The signed data: the chosen fields bottom-up, then this field with b= empty, no CRLF.
            var data: [UInt8] = []
            var used = Set<Int>()
            for name in names {
                let wanted = name.lowercased()
                guard let index = layout.fields.indices.reversed().first(where: {
                    !used.contains($0) && layout.fields[$0].lowercasedName == wanted
                }) else { continue }
                used.insert(index)
                data += specification.headerCanonicalization.header(UnsafeBufferPointer(rebasing: bytes[layout.fields[index].range]))
            }
            let template = unsigned.bytes
            data += template.withUnsafeBufferPointer { specification.headerCanonicalization.header($0) }.dropLast(2)

            let signature = try specification.key.sign(data)
            var field = template
            field += SignatureFieldBuilder.folded(Data(signature).base64EncodedString(), firstLineUsed: unsigned.currentLineLength)
            field += [0x0D, 0x0A]
            return field
        }
    }

    /// The `h=` list: From first, then each listed name as many times as the message has it, plus
    /// once more when oversigning (names the message lacks then appear once, signing their absence).
    static func signedNames(_ specification: DKIMSignatureSpec, layout: MessageLayout) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for name in ["From"] + specification.headers {
            let lowercased = name.lowercased()
            guard !lowercased.isEmpty, seen.insert(lowercased).inserted else { continue }
            let count = layout.fields.reduce(0) { $0 + ($1.lowercasedName == lowercased ? 1 : 0) }
            var times = count + (specification.oversign ? 1 : 0)
            if lowercased == "from" { times = max(times, 1) }  // RFC 6376 §5.4: From is always signed.
            names += Array(repeating: name, count: times)
        }
        return names
    }
}

/// Lays out a `DKIM-Signature` field's tags, folding (CRLF TAB) before a piece that would pass
/// 76 columns.
struct SignatureFieldBuilder {
    static let width = 76
    private(set) var bytes: [UInt8] = Array("DKIM-Signature:".utf8)
    /// The column the current line has reached (a folded line's TAB counts as 8).
    private(set) var currentLineLength = "DKIM-Signature:".utf8.count

    /// Adds `tag` (`name=value`) followed by `;`.
    mutating func add(_ tag: String) { append(tag + ";", separator: " ") }

    /// Adds the last tag, with no `;` after it.
    mutating func addLast(_ tag: String) { append(tag, separator: " ") }

    /// Adds `name=` and a colon-separated list, folding between entries when needed.
    mutating func addList(_ name: String, _ items: [String]) {
        var pieces = items.enumerated().map { ($0.offset == 0 ? "\(name)=" : ":") + $0.element }
        if pieces.isEmpty { pieces = ["\(name)="] }
        pieces[pieces.count - 1] += ";"
        append(pieces[0], separator: " ")
        for piece in pieces.dropFirst() { append(piece, separator: "") }
    }

    private mutating func append(_ text: String, separator: String) {
        if currentLineLength + separator.count + text.count > Self.width, currentLineLength > 8 {
            bytes += [0x0D, 0x0A, 0x09]
            currentLineLength = 8
        } else {
            bytes += Array(separator.utf8)
            currentLineLength += separator.count
        }
        bytes += Array(text.utf8)
        currentLineLength += text.count
    }

    /// `base64` broken into lines that fit after `firstLineUsed` columns, joined by CRLF TAB.
    static func folded(_ base64: String, firstLineUsed: Int) -> [UInt8] {
        var out: [UInt8] = []
        var remaining = Substring(base64)
        var room = max(width - firstLineUsed, 8)
        while !remaining.isEmpty {
            let take = remaining.prefix(room)
            out += Array(take.utf8)
            remaining = remaining.dropFirst(take.count)
            if !remaining.isEmpty { out += [0x0D, 0x0A, 0x09] }
            room = width - 8
        }
        return out
    }
}
