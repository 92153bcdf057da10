import SluiceControlProtocol

/// The Diagnostics tail: a bounded ring of recent events, its filter and freeze state.
public struct DiagnosticsState: Hashable, Sendable {
    /// How many events are kept.
    public static let capacity = 2000

    /// Kept events, oldest first.
    public private(set) var events: [EventRecord] = []
    /// Events received since the console started (a sequence number for the next one).
    public private(set) var received = 0
    /// When frozen, the `received` count at the moment of freezing: later events are kept but not shown.
    public var frozenAt: Int?
    /// The filter: text or regex, or `domain:X`, `cat:X`, `class:4xx`.
    public var filter: String = ""
    /// The selected line, counted from the newest shown (0 = newest).
    public var selected = 0

    /// Creates an empty tail.
    public init() {}

    /// Appends events, dropping the oldest beyond ``capacity``.
    public mutating func append(_ new: [EventRecord]) {
        events.append(contentsOf: new)
        received += new.count
        if events.count > Self.capacity + Self.capacity / 4 { events.removeFirst(events.count - Self.capacity) }
    }

    /// The events the tail shows (frozen ones when frozen), oldest first, before filtering.
    public var shown: ArraySlice<EventRecord> {
        guard let frozenAt else { return events[...] }
        let firstSeq = received - events.count
        let end = max(0, min(events.count, frozenAt - firstSeq))
        return events[..<end]
    }
}

/// A parsed Diagnostics filter.
public struct DiagnosticsFilter {
    private enum Kind {
        case all
        case domain(String)
        case category(String)
        case replyClass(Int)
        case regex(Regex<AnyRegexOutput>)
        case text(String)
    }

    private let kind: Kind

    /// Parses `domain:X`, `cat:X`, `class:2xx|4xx|5xx`, or a regular expression (text when invalid).
    public init(_ text: String) {
        let t = text.trimmingSpaces
        if t.isEmpty { kind = .all }
        else if t.hasPrefix("domain:") { kind = .domain(String(t.dropFirst(7)).lowercased()) }
        else if t.hasPrefix("cat:") { kind = .category(String(t.dropFirst(4)).lowercased()) }
        else if t.hasPrefix("class:"), let d = t.dropFirst(6).first?.wholeNumberValue { kind = .replyClass(d) }
        else if let r = try? Regex(t) { kind = .regex(r.ignoresCase()) }
        else { kind = .text(t.lowercased()) }
    }

    /// True when `event` passes the filter.
    public func matches(_ event: EventRecord) -> Bool {
        switch kind {
        case .all: return true
        case .domain(let d):
            let domain = event.queue.split(separator: "/", maxSplits: 1).first.map(String.init) ?? event.queue
            return domain.lowercased() == d || domain.lowercased().hasSuffix("." + d)
        case .category(let c): return event.category.lowercased() == c
        case .replyClass(let d): return event.code / 100 == d
        case .regex(let r): return Self.line(event).contains(r)
        case .text(let t): return Self.line(event).lowercased().contains(t)
        }
    }

    private static func line(_ e: EventRecord) -> String { "\(e.queue) \(e.recipient) \(e.kind) \(e.dsnDiag) \(e.category)" }
}
