import ArgumentParser
import SluiceConfig
import SluiceControlProtocol

/// `sluice reply-rule DOMAIN[/VMTA] (--pattern RE | --template TEXT) [--action A…] [--dry-run] [--for D] [--reason T]`.
struct ReplyRule: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply-rule",
        abstract: "Add a reply rule tried before the domain's smtp-pattern-list, or (--dry-run) count what it would have matched.",
        discussion: "The pattern is a regular expression matched against each remote reply, as in a `reply /re/ …` line "
            + "of an <smtp-pattern-list>; --template drafts it from a reply template of the console's Patterns view "
            + "({ip}, {addr}, {n} … widened). The rule is a control: listed by `sluice controls`, ended by "
            + "`sluice cancel ID` or --for.")
    @Argument(help: "DOMAIN or DOMAIN/VMTA.") var target: String
    @Option(help: "The regular expression.") var pattern: String?
    @Option(help: "A reply template to draft the pattern from.") var template: String?
    @Option(name: .customLong("action"), parsing: .singleValue,
            help: "mode=backoff, mode=normal, disable-source-ip[=DURATION], bounce-rcpt or bounce-queue (repeatable).")
    var actions: [String] = ["mode=backoff"]
    @Flag(help: "Only count the replies of the last hour it would have matched, per queue.") var dryRun = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var action: ActionOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (pattern == nil) != (template == nil) else { throw ValidationError("give exactly one of --pattern and --template") }
    }

    func run() async throws {
        let regex = pattern ?? TemplatePattern.pattern(for: template ?? "")
        if dryRun {
            try await ControlCLI.run(.replyRuleDryRun(pattern: regex), connection: connection, json: json)
            return
        }
        try await ControlCLI.run(.execute(.addReplyRule(target: try domainOrQueue(target), pattern: regex,
                                                        actions: actions.joined(separator: " "))),
                                 connection: connection, reason: action.reason, ttlSeconds: try action.ttlSeconds())
    }
}
