import SluiceControlProtocol

/// The detail view's "Disabled source IPs" section: each source address `disable-source-ip` has
/// stopped from sending to a destination, with the time left and the reply that caused it.
enum DisabledSourceLines {
    /// The disabled sources of the detail target's queues (a domain's, a queue's or a vmta's).
    static func rows(of target: DetailTarget, in state: ConsoleState) -> [(queue: String, row: DisabledSourceRow)] {
        let queues = state.snapshot?.queues ?? []
        let matching = queues.filter { q in
            switch target {
            case .domain(let d): q.domain == d
            case .queue(let name): q.name == name
            case .vmta(let v): q.vmta == v
            }
        }
        return matching.flatMap { q in q.disabledSources.map { (q.name, $0) } }
    }

    /// One line per disabled source, the countdown before what a narrow screen cuts:
    /// `192.0.2.10 9m59s left for example.com/v1  451 4.7.1 …`.
    static func lines(_ rows: [(queue: String, row: DisabledSourceRow)], now: Double) -> [[TableCell]] {
        rows.map { entry in
            let d = entry.row
            return [TableCell(text: d.sourceLabel + " ", role: .paused),
                    TableCell(text: Format.duration(seconds: Double(d.secondsLeft(at: now))) + " left ", role: .warn),
                    TableCell(text: "for \(entry.queue)  ", role: .normal),
                    TableCell(text: d.reply, role: d.reply.hasPrefix("5") ? .error : .warn)]
        }
    }
}
