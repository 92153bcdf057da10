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

            let (names, signedFields) = selection(specification, layout: layout)
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
            let template = unsigned.bytes
            var data: [UInt8] = []
            data.reserveCapacity(signedFields.reduce(template.count + 2) { $0 + layout.fields[$1].range.count + 2 })
            for index in signedFields {
                specification.headerCanonicalization.appendHeader(UnsafeBufferPointer(rebasing: bytes[layout.fields[index].range]),
                                                                  to: &data)
            }
            template.withUnsafeBufferPointer { specification.headerCanonicalization.appendHeader($0, to: &data) }
            data.removeLast(2)

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
        selection(specification, layout: layout).names
    }

    /// The `h=` list (see ``signedNames(_:layout:)``) and the fields it signs, in signing order:
    /// for each name of the list, the message's fields of that name bottom-up (RFC 6376 §5.4.2).
    static func selection(_ specification: DKIMSignatureSpec, layout: MessageLayout) -> (names: [String], fields: [Int]) {
        // The names once each, as written and lowercased; a handful, so a linear search is fastest.
        var wanted: [(name: String, lowercased: String)] = []
        for name in CollectionOfOne("From") + specification.headers {
            let lowercased = name.lowercased()
            guard !lowercased.isEmpty, !wanted.contains(where: { $0.lowercased == lowercased }) else { continue }
            wanted.append((name, lowercased))
        }
        var instances = [[Int]](repeating: [], count: wanted.count)
        for index in layout.fields.indices.reversed() {
            let name = layout.fields[index].lowercasedName
            if let k = wanted.firstIndex(where: { $0.lowercased == name }) { instances[k].append(index) }
        }
        var names: [String] = []
        var fields: [Int] = []
        for (k, entry) in wanted.enumerated() {
            var times = instances[k].count + (specification.oversign ? 1 : 0)
            if k == 0 { times = max(times, 1) }  // RFC 6376 §5.4: From is always signed.
            names += repeatElement(entry.name, count: times)
            fields += instances[k]
        }
        return (names, fields)
    }
}

/// Lays out a `DKIM-Signature` field's tags, folding (CRLF TAB) before a piece that would pass
/// 76 columns (counted in bytes).
struct SignatureFieldBuilder {
    static let width = 76
    private(set) var bytes: [UInt8] = Array("DKIM-Signature:".utf8)
    /// The column the current line has reached (a folded line's TAB counts as 8).
    private(set) var currentLineLength = "DKIM-Signature:".utf8.count

    init() { bytes.reserveCapacity(512) }

    /// Adds `tag` (`name=value`) followed by `;`.
    mutating func add(_ tag: String) { append(tag, ";", separated: true) }

    /// Adds the last tag, with no `;` after it.
    mutating func addLast(_ tag: String) { append(tag, "", separated: true) }

    /// Adds `name=` and a colon-separated list, folding between entries when needed.
    mutating func addList(_ name: String, _ items: [String]) {
        guard let first = items.first else { return append("\(name)=", ";", separated: true) }
        append("\(name)=\(first)", items.count == 1 ? ";" : "", separated: true)
        for (k, item) in items.enumerated().dropFirst() {
            append(":" + item, k == items.count - 1 ? ";" : "", separated: false)
        }
    }

    /// Appends `text` and then `suffix` (empty or `;`), after a space when `separated`, or after a
    /// fold when the piece would pass the width.
    private mutating func append(_ text: String, _ suffix: StaticString, separated: Bool) {
        let separator = separated ? 1 : 0
        let length = text.utf8.count + suffix.utf8CodeUnitCount
        if currentLineLength + separator + length > Self.width, currentLineLength > 8 {
            bytes.append(contentsOf: [0x0D, 0x0A, 0x09])
            currentLineLength = 8
        } else if separated {
            bytes.append(0x20)
            currentLineLength += 1
        }
        bytes.append(contentsOf: text.utf8)
        suffix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        currentLineLength += length
    }

    /// `base64` broken into lines that fit after `firstLineUsed` columns, joined by CRLF TAB.
    static func folded(_ base64: String, firstLineUsed: Int) -> [UInt8] {
        let text = Array(base64.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / (width - 8) * 3 + 3)
        var start = 0
        var room = max(width - firstLineUsed, 8)
        while start < text.count {
            let end = min(start + room, text.count)
            out.append(contentsOf: text[start..<end])
            start = end
            if start < text.count { out.append(contentsOf: [0x0D, 0x0A, 0x09]) }
            room = width - 8
        }
        return out
    }
}
