import Logging

/// swift-log's handler for the node's log: each message becomes one line handed to `write`, by
/// default ``StandardErrorLog/write(_:)`` (`2026-11-23T16:20:01.123Z sluice: message`, the
/// format the node always had). Level and metadata are not printed; messages below ``logLevel``
/// (info by default, so the service group's debug lines stay out) are dropped.
public struct LineLogHandler: LogHandler {
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata is kept for the logger's API, not printed.
    public var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void

    /// A handler writing lines with `write`.
    public init(write: @escaping @Sendable (String) -> Void = StandardErrorLog.write) {
        self.write = write
    }

    /// One metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the message as one line.
    public func log(event: LogEvent) {
        write(event.message.description)
    }
}
