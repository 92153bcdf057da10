import SluiceBase
import SluiceConfig
import SluiceControlProtocol

/// What a `:` command line asks for: an operator request (after which the console shows the
/// outcome) or a view to switch to.
public enum ConsoleCommand: Hashable, Sendable {
    /// Send this request.
    case request(OperatorRequest)
    /// Show this view.
    case show(ConsoleView)
}

/// The names a command line can complete: the snapshot's domains, vmtas, queues and jobs.
public struct CommandTargets: Hashable, Sendable {
    /// Destination domains.
    public var domains: [String]
    /// Virtual MTAs.
    public var vmtas: [String]
    /// Queues, `domain/vmta`.
    public var queues: [String]
    /// Jobs (X-Job).
    public var jobs: [String]

    /// Creates the lists.
    public init(domains: [String] = [], vmtas: [String] = [], queues: [String] = [], jobs: [String] = []) {
        self.domains = domains
        self.vmtas = vmtas
        self.queues = queues
        self.jobs = jobs
    }

    /// The names in `snapshot` (none without one).
    public init(_ snapshot: NodeSnapshot?) {
        self.init(domains: snapshot?.domains.map(\.name) ?? [], vmtas: snapshot?.vmtas.map(\.name) ?? [],
                  queues: snapshot?.queues.map(\.name) ?? [], jobs: snapshot?.jobs.map(\.name) ?? [])
    }
}

/// The `:` command line (as in vim and k9s): a pure parser and completer.
///
/// ```
/// :hold yahoo.com 30m TSS04 storm      hold a domain (TTL and reason optional)
/// :release yahoo.com                   release it
/// :pause vmta3 [TTL] [reason]          pause a vmta or a queue (domain/vmta)
/// :pause job newsletter-2611 [TTL] [reason]   pause a job in every queue
/// :resume vmta3 | :resume job ID       resume it
/// :throttle gmail.com max-msg-rate=10/s 1h [reason]
/// :backoff gmail.com | :normal gmail.com | :schedule gmail.com
/// :domains | :queues | :vmtas | :diagnostics | :patterns | :jobs
/// ```
public enum ConsoleCommandLine {
    /// A verb: its name, what its first argument names, and its help.
    public struct Verb: Hashable, Sendable {
        /// The verb as typed.
        public var name: String
        /// What the first argument completes from.
        public var argument: Argument
        /// The usage line.
        public var usage: String
    }

    /// What a verb's first argument is.
    public enum Argument: Hashable, Sendable {
        /// No argument.
        case none
        /// A domain.
        case domain
        /// A vmta or a queue, or `job` and a job id.
        case vmtaOrQueue
        /// A domain or a queue.
        case domainOrQueue
    }

    /// Every verb, in the order completion offers them.
    public static let verbs: [Verb] = [
        Verb(name: "hold", argument: .domain, usage: "hold DOMAIN [TTL] [reason]"),
        Verb(name: "release", argument: .domain, usage: "release DOMAIN [reason]"),
        Verb(name: "pause", argument: .vmtaOrQueue, usage: "pause VMTA|DOMAIN/VMTA|job ID [TTL] [reason]"),
        Verb(name: "resume", argument: .vmtaOrQueue, usage: "resume VMTA|DOMAIN/VMTA|job ID [reason]"),
        Verb(name: "throttle", argument: .domainOrQueue, usage: "throttle DOMAIN[/VMTA] DIRECTIVE=VALUE… [TTL] [reason]"),
        Verb(name: "backoff", argument: .domainOrQueue, usage: "backoff DOMAIN[/VMTA] [reason]"),
        Verb(name: "normal", argument: .domainOrQueue, usage: "normal DOMAIN[/VMTA] [reason]"),
        Verb(name: "schedule", argument: .domainOrQueue, usage: "schedule DOMAIN[/VMTA] [reason]"),
        Verb(name: "domains", argument: .none, usage: "domains"),
        Verb(name: "queues", argument: .none, usage: "queues"),
        Verb(name: "vmtas", argument: .none, usage: "vmtas"),
        Verb(name: "diagnostics", argument: .none, usage: "diagnostics"),
        Verb(name: "patterns", argument: .none, usage: "patterns"),
        Verb(name: "jobs", argument: .none, usage: "jobs"),
    ]

    /// The word that makes `pause` and `resume` take a job id.
    public static let jobKeyword = "job"

    /// The directives `throttle` takes.
    public static let throttleDirectives: [String] = DomainDirective.all.filter(\.isThrottle).map(\.name)

    /// Parses `text` (without the `:`).
    public static func parse(_ text: String, targets: CommandTargets) -> Result<ConsoleCommand, OperatorError> {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { return .failure(OperatorError("type a command, e.g. hold DOMAIN 30m reason")) }
        guard let verb = verbs.first(where: { $0.name == first.lowercased() }) else {
            let known = verbs.filter { $0.name.hasPrefix(first.lowercased()) }.map(\.name)
            return .failure(OperatorError("unknown command '\(first)'" + (known.isEmpty ? "; Tab completes" : ": \(known.joined(separator: ", "))?")))
        }
        if verb.argument == .none {
            guard words.count == 1 else { return .failure(OperatorError("\(verb.name) takes no argument")) }
            let view: ConsoleView = switch verb.name {
            case "queues": .queues
            case "vmtas": .vmtas
            case "diagnostics": .diagnostics
            case "patterns": .patterns
            case "jobs": .jobs
            default: .domains
            }
            return .success(.show(view))
        }
        guard words.count >= 2 else { return .failure(OperatorError("usage: \(verb.usage)")) }
        var target = words[1]
        var rest = Array(words.dropFirst(2))
        var job: String?
        if verb.argument == .vmtaOrQueue, target.lowercased() == jobKeyword, !targets.vmtas.contains(target) {
            guard let id = rest.first else { return .failure(OperatorError("usage: \(verb.usage)")) }
            if !targets.jobs.isEmpty && !targets.jobs.contains(id) { return .failure(OperatorError("no job \(id)")) }
            job = id
            target = id
            rest.removeFirst()
        }
        switch verb.argument {
        case _ where job != nil: break
        case .domain where target.contains("/"):
            return .failure(OperatorError("\(verb.name) takes a domain, not the queue \(target)"))
        case .domain where !targets.domains.isEmpty && !targets.domains.contains(target):
            return .failure(OperatorError("no domain \(target) in the queues"))
        case .vmtaOrQueue where !target.contains("/") && !targets.vmtas.isEmpty && !targets.vmtas.contains(target):
            return .failure(OperatorError("no vmta \(target)"))
        default: break
        }
        var settings: [ThrottleSetting] = []
        if verb.name == "throttle" {
            while let word = rest.first, let eq = word.firstIndex(of: "=") {
                let name = String(word[..<eq]).lowercased(), value = String(word[word.index(after: eq)...])
                guard throttleDirectives.contains(name) else {
                    let hint = DomainDirective.nearest(to: name).map { " (did you mean \($0)?)" } ?? ""
                    return .failure(OperatorError("\(name) is not a throttle directive\(hint)"))
                }
                do { try DomainDirective.named(name)?.validate(value) } catch { return .failure(OperatorError("\(name): \(error)")) }
                settings.append(ThrottleSetting(directive: name, value: value))
                rest.removeFirst()
            }
            guard !settings.isEmpty else { return .failure(OperatorError("usage: \(verb.usage)")) }
        }
        var ttl: TimeSpan?
        if ["hold", "pause", "throttle"].contains(verb.name), let word = rest.first, let span = try? TimeSpan(parsing: word) {
            guard span.milliseconds > 0 else { return .failure(OperatorError("TTL must be longer than 0s")) }
            ttl = span
            rest.removeFirst()
        }
        let reason = rest.joined(separator: " ")
        let request: OperatorRequest
        switch verb.name {
        case "hold": request = .holdDomain(domain: target, reason: "", ttl: ttl)
        case "release": request = .releaseDomain(domain: target, reason: "")
        case "pause" where job != nil: request = .pauseJob(job: target, reason: "", ttl: ttl)
        case "resume" where job != nil: request = .resumeJob(job: target, reason: "")
        case "pause": request = target.contains("/") ? .pauseQueue(queue: target, reason: "", ttl: ttl) : .pauseVMTA(name: target, reason: "", ttl: ttl)
        case "resume": request = target.contains("/") ? .resumeQueue(queue: target, reason: "") : .resumeVMTA(name: target, reason: "")
        case "throttle": request = .setThrottle(target: target, settings: settings, ttl: ttl, persist: false, reason: "")
        case "backoff": request = .setMode(target: target, mode: .backoff, reason: "")
        case "normal": request = .setMode(target: target, mode: .normal, reason: "")
        default: request = .schedule(target: target, reason: "")
        }
        return .success(.request(request.with(reason: reason.isEmpty ? request.defaultReason : reason)))
    }

    /// The candidates for the word being typed at the end of `text`.
    public static func candidates(_ text: String, targets: CommandTargets) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let partial = words.last ?? ""
        let lower = partial.lowercased()
        if words.count <= 1 { return verbs.map(\.name).filter { $0.hasPrefix(lower) } }
        guard let verb = verbs.first(where: { $0.name == words[0].lowercased() }) else { return [] }
        if words.count == 2 {
            let names: [String] = switch verb.argument {
            case .none: []
            case .domain: targets.domains
            case .vmtaOrQueue: targets.vmtas + targets.queues + (targets.jobs.isEmpty ? [] : [jobKeyword])
            case .domainOrQueue: targets.domains + targets.queues
            }
            return names.filter { $0.lowercased().hasPrefix(lower) }
        }
        if words.count == 3, verb.argument == .vmtaOrQueue, words[1].lowercased() == jobKeyword {
            return targets.jobs.filter { $0.lowercased().hasPrefix(lower) }
        }
        if verb.name == "throttle", !partial.contains("=") {
            return throttleDirectives.map { $0 + "=" }.filter { $0.hasPrefix(lower) }
        }
        return []
    }

    /// `text` with its last word completed as far as the candidates agree (Tab); a single
    /// candidate is completed whole and followed by a space (none after `=`).
    public static func complete(_ text: String, targets: CommandTargets) -> String {
        let found = candidates(text, targets: targets)
        guard let firstFound = found.first else { return text }
        let partialCount = text.split(separator: " ", omittingEmptySubsequences: false).last?.count ?? 0
        let stem = String(text.dropLast(partialCount))
        if found.count == 1 { return stem + firstFound + (firstFound.hasSuffix("=") ? "" : " ") }
        var common = firstFound
        for c in found.dropFirst() {
            while !c.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        return common.count > partialCount ? stem + common : text
    }
}
