import ArgumentParser
import Foundation
import SluiceBase
import SluiceSuppression

/// `sluice suppress add ADDRESS… [--scope S] [--reason TEXT]`.
struct SuppressAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Suppress addresses (an entry already there takes the new reason).")

    @Argument(help: ArgumentHelp("The addresses.", valueName: "address"))
    var addresses: [String]

    @Option(help: "global, sender-domain:DOMAIN or job:ID.")
    var scope: SuppressionScope = .global

    @Option(help: "Why, recorded with each entry.")
    var reason = "manual"

    @OptionGroup var list: SuppressDatabaseOptions

    mutating func validate() throws {
        guard !addresses.isEmpty else { throw ValidationError("give at least one address") }
        if let bad = addresses.first(where: { !SuppressionEntry.isAddress($0) }) {
            throw ValidationError("'\(bad)' is not an address")
        }
    }

    func run() throws {
        let store = try list.open()
        let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        let now = WallClock().now()
        try withSuppressionList {
            try store.add(addresses.map {
                SuppressionEntry(address: $0, scope: scope, reason: reason, source: "sluice suppress add by \(user)", time: now)
            })
        }
        print("suppressed \(addresses.count) address(es) (scope \(scope)) in \(store.path)")
    }
}

/// `sluice suppress remove ADDRESS [--scope S]`: exit status 1 when there was no such entry.
struct SuppressRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove an address's entry in one scope (exit status 1 when there is none).")

    @Argument(help: ArgumentHelp("The address.", valueName: "address"))
    var address: String

    @Option(help: "global, sender-domain:DOMAIN or job:ID.")
    var scope: SuppressionScope = .global

    @OptionGroup var list: SuppressDatabaseOptions

    func run() throws {
        let store = try list.open()
        guard try withSuppressionList({ try store.remove(address: address, scope: scope) }) else {
            printError("sluice: \(address.lowercased()) has no \(scope) entry in \(store.path)")
            throw ExitCode(1)
        }
        print("removed \(address.lowercased()) (scope \(scope))")
    }
}

/// `sluice suppress check ADDRESS [--sender ADDR] [--job ID]`: prints the entry that applies and
/// exits 0, or prints `not suppressed` and exits 1.
struct SuppressCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Say whether an address is suppressed (exit status 0: suppressed, 1: not).",
        discussion: "Without --sender and --job only global entries apply; with them, that sender domain's and that job's too.")

    @Argument(help: ArgumentHelp("The address.", valueName: "address"))
    var address: String

    @Option(help: ArgumentHelp("The envelope sender of the message to check for.", valueName: "address"))
    var sender: String?

    @Option(help: ArgumentHelp("The job id of the message to check for.", valueName: "id"))
    var job: String?

    @OptionGroup var list: SuppressDatabaseOptions

    func run() throws {
        let store = try list.open()
        let entry = try withSuppressionList {
            try store.check(address, senderDomain: sender.flatMap(SuppressionScope.domain(ofSender:)), jobID: job)
        }
        guard let entry else {
            print("not suppressed: \(address.lowercased())")
            throw ExitCode(1)
        }
        print("suppressed: \(describe(entry))")
    }
}
