/// Instants persist as their millisecond count.
extension Instant: Codable {
    /// Decodes the millisecond count.
    public init(from decoder: any Decoder) throws {
        self.init(milliseconds: try decoder.singleValueContainer().decode(Int64.self))
    }

    /// Encodes the millisecond count.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}

/// Message ids persist as their raw number.
extension MessageID: Codable {
    /// Decodes the raw number.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(UInt64.self))
    }

    /// Encodes the raw number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
}

/// Queue keys persist as `domain/vmta`.
extension QueueKey: Codable {
    /// Decodes `domain/vmta`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = QueueKey(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected domain/vmta, found '\(text)'")
        }
        self = key
    }

    /// Encodes `domain/vmta`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
