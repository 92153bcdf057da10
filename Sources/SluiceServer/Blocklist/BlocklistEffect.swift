import SluiceControlProtocol

/// What the blocklist watch asks the node to do after a round of lookups (``BlocklistWatch``).
enum BlocklistEffect: Hashable, Sendable {
    /// Publish an event on the node's event hub (`blocklist-listed`, `blocklist-cleared`,
    /// `blocklist-refused`, `blocklist-error`).
    case publish(EventRecord)
    /// Write a line to the node's log.
    case log(String)
    /// Pause the vmta (unless some pause of it is active already), with this reason.
    case pause(vmta: String, reason: String)
    /// End the watch's own pause of the vmta, if there is one.
    case resume(vmta: String, reason: String)
    /// Start the zone's `command=` program; never waited for.
    case runCommand(BlocklistCommand)
}

/// A `command=` program to start: the words of the configured command, then the vmta, its
/// source address, the zone and the answer (empty when the listing cleared) as arguments, with
/// the same facts and the event in the environment (`SLUICE_BLOCKLIST_EVENT` = `listed` or
/// `cleared`, `SLUICE_VMTA`, `SLUICE_SOURCE_IP`, `SLUICE_ZONE`, `SLUICE_ANSWER`, `SLUICE_MEANING`).
struct BlocklistCommand: Hashable, Sendable {
    /// The program and its arguments.
    var arguments: [String]
    /// Variables added to the node's environment.
    var environment: [String: String]

    /// The command for `event` (`listed`, `cleared`) of `vmta` at `address` in `zone`.
    init(configured: String, event: String, vmta: String, address: String, zone: String, answer: String, meaning: String) {
        arguments = configured.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            + [vmta, address, zone, answer]
        environment = ["SLUICE_BLOCKLIST_EVENT": event, "SLUICE_VMTA": vmta, "SLUICE_SOURCE_IP": address,
                       "SLUICE_ZONE": zone, "SLUICE_ANSWER": answer, "SLUICE_MEANING": meaning]
    }
}
