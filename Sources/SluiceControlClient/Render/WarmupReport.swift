import SluiceControlProtocol

/// `sluice show warmup`: the warming vmtas of a `show vmtas` answer, as a table or as the JSON
/// document `{"warmup":[{"vmta":…, "schedule":…, "day":…, "days":…, "sent_today":…,
/// "cap_today":…, "rate":…, "held":…}]}`.
public struct WarmupReport: Encodable, Hashable, Sendable {
    /// One warming vmta.
    public struct Line: Encodable, Hashable, Sendable {
        /// The vmta.
        public var vmta: String
        /// Its progress.
        public var figures: WarmupFigures

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(vmta, forKey: .vmta)
            try figures.encode(to: encoder)
        }

        enum Keys: String, CodingKey { case vmta }
    }

    /// The warming vmtas, by name.
    public var warmup: [Line]

    /// The report of `rows`: those with a warm-up schedule.
    public init(_ rows: [VMTARow]) {
        warmup = rows.compactMap { row in row.warmup.map { Line(vmta: row.name, figures: $0) } }
    }

    /// The table: one line per warming vmta; a line saying so when there is none.
    public func render() -> String {
        guard !warmup.isEmpty else { return "no vmta has a warm-up schedule\n" }
        var table = TextTable([.init("VMTA"), .init("Schedule"), .init("Progress"), .init("Today", .right),
                               .init("Cap", .right), .init("Rate"), .init("Held")])
        for line in warmup {
            let f = line.figures
            table.add([line.vmta, f.schedule, f.progress, "\(f.sentToday)", f.capToday.map(String.init) ?? "-", f.rate,
                       f.held.map { Formatting.truncate($0, ShowRenderer.reasonWidth) } ?? ""])
        }
        return table.render()
    }
}
