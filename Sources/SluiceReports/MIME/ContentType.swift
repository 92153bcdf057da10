/// A `Content-Type` value: `type/subtype` lowercased, and its parameters (names lowercased,
/// values unquoted).
struct ContentType: Equatable {
    var mediaType: String
    var parameters: [String: String]

    /// `text/plain`, what a part without `Content-Type` is (RFC 2045 §5.2).
    static let `default` = ContentType(mediaType: "text/plain", parameters: [:])

    var isMultipart: Bool { mediaType.hasPrefix("multipart/") }

    /// Parses a field value; a value without a `/` in its type yields `nil`.
    init?(field: String) {
        let pieces = ContentType.splitParameters(field)
        guard let head = pieces.first else { return nil }
        let type = head.trimmingWhitespace().lowercased()
        guard let slash = type.firstIndex(of: "/"), slash != type.startIndex, type.index(after: slash) != type.endIndex,
              !type.contains(" ")
        else { return nil }
        mediaType = type
        parameters = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingWhitespace().lowercased()
            let value = ContentType.unquote(piece[piece.index(after: equals)...].trimmingWhitespace())
            if !name.isEmpty, parameters[name] == nil { parameters[name] = value }
        }
    }

    init(mediaType: String, parameters: [String: String]) {
        self.mediaType = mediaType
        self.parameters = parameters
    }

    /// Splits on `;` outside double quotes.
    private static func splitParameters(_ field: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in field {
            if escaped { current.append(character); escaped = false; continue }
            if character == "\\", inQuotes { escaped = true; current.append(character); continue }
            if character == "\"" { inQuotes.toggle() }
            if character == ";", !inQuotes {
                pieces.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        pieces.append(current)
        return pieces
    }

    private static func unquote(_ value: String) -> String {
        guard value.hasPrefix("\""), value.count >= 2 else { return value }
        var out = ""
        var escaped = false
        for character in value.dropFirst() {
            if escaped { out.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "\"" { break }
            out.append(character)
        }
        return out
    }
}
