import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceCore

/// What an HTTP request asks for, decided from method, path, query and body alone (pure).
public enum HTTPRoute: Hashable, Sendable {
    /// `GET /metrics` or `GET /api/v1/metrics`.
    case metrics
    /// A control command; `reason` and `ttlSeconds` come from the body of a POST.
    case command(ControlOperation, reason: String?, ttlSeconds: Int?)

    /// The body of a POST: the fields each action needs.
    struct ActionBody: Decodable {
        var domain: String?
        var vmta: String?
        var queue: String?
        var job: String?
        var target: String?
        var pattern: String?
        var actions: String?
        var mode: String?
        var settings: [String: String]?
        var persist: Bool?
        var dsn: Bool?
        var reason: String?
        var `for`: String?
    }

    /// Maps a request to a route. `HEAD` routes wherever `GET` does (the caller answers it
    /// without the body).
    ///
    /// - Throws: ``HTTPAccess/Refusal`` with 404 for an unknown path, 405 for a wrong method and
    ///   400 for a malformed query or body (``ControlError`` messages).
    public static func route(method requested: String, uri: String, body: [UInt8]) throws(HTTPAccess.Refusal) -> HTTPRoute {
        let method = requested == "HEAD" ? "GET" : requested
        let (path, query) = split(uri)
        if metricsPaths.contains(path) {
            guard method == "GET" else { throw methodNotAllowed }
            return .metrics
        }
        let prefix = "/api/v1/"
        guard path.hasPrefix(prefix) else { throw notFound(path) }
        let rest = String(path.dropFirst(prefix.count))
        let segments = rest.split(separator: "/", maxSplits: 1).map(String.init)
        guard let head = segments.first else { throw notFound(path) }
        let tail = segments.count > 1 ? segments[1].removingPercentEncoding : nil
        do {
            switch (method, head) {
            case ("GET", "status"): return .command(.status, reason: nil, ttlSeconds: nil)
            case ("GET", "queues"): return .command(.queues, reason: nil, ttlSeconds: nil)
            case ("GET", "domains"): return .command(.domains, reason: nil, ttlSeconds: nil)
            case ("GET", "vmtas"): return .command(.vmtas, reason: nil, ttlSeconds: nil)
            case ("GET", "jobs"): return .command(.jobs, reason: nil, ttlSeconds: nil)
            case ("GET", "replyrule"):
                guard let pattern = query["pattern"] else { throw ControlError(.usage, "expected /api/v1/replyrule?pattern=RE (a dry run)") }
                return .command(.replyRuleDryRun(pattern: pattern), reason: nil, ttlSeconds: nil)
            case ("GET", "topdomains"):
                return .command(.topDomains(limit: try intParameter(query["limit"], default: 20)), reason: nil, ttlSeconds: nil)
            case ("GET", "settings"):
                guard let tail, !tail.isEmpty else { throw ControlError(.usage, "expected /api/v1/settings/DOMAIN[/VMTA]") }
                return .command(.settings(target: try ControlTarget.domainOrQueue(tail)), reason: nil, ttlSeconds: nil)
            case ("GET", "controls") where tail == nil: return .command(.listControls, reason: nil, ttlSeconds: nil)
            case ("GET", "events"):
                let filter = EventFilter(kind: query["kind"], queue: query["queue"], limit: try intParameter(query["limit"], default: 100))
                return .command(.events(filter: filter), reason: nil, ttlSeconds: nil)
            case ("DELETE", "controls"):
                guard let tail, !tail.isEmpty else { throw ControlError(.usage, "expected /api/v1/controls/ID") }
                return .command(.execute(.cancelControl(id: tail)), reason: query["reason"], ttlSeconds: nil)
            case ("POST", _) where actions.contains(head):
                guard tail == nil else { throw notFound(path) }
                let action = try decodeBody(body)
                let ttl = try action.for.map { (text: String) throws(ControlError) -> Int in try CommandValidator.ttlSeconds(text) }
                return .command(.execute(try mutation(head, action, path: path)), reason: action.reason, ttlSeconds: ttl)
            default:
                if queries.contains(head) || actions.contains(head) {
                    throw methodNotAllowed
                }
                throw notFound(path)
            }
        } catch let error as ControlError {
            throw HTTPAccess.Refusal(status: 400, message: error.message)
        } catch let refusal as HTTPAccess.Refusal {
            throw refusal
        } catch {
            throw HTTPAccess.Refusal(status: 400, message: "\(error)")
        }
    }

    private static func mutation(_ name: String, _ body: ActionBody, path: String) throws -> ControlCommand {
        func target() throws(ControlError) -> ControlTarget {
            guard let t = body.target ?? body.queue ?? body.domain else { throw ControlError(.usage, "\"target\" is required") }
            return try ControlTarget.domainOrQueue(t)
        }
        switch name {
        case "hold", "release":
            guard let domain = body.domain else { throw ControlError(.usage, "\"domain\" is required") }
            return name == "hold" ? .hold(domain: domain.lowercased()) : .release(domain: domain.lowercased())
        case "pause", "resume":
            let t: ControlTarget
            if let vmta = body.vmta { t = try ControlTarget.vmtaNamed(vmta) } else if let queue = body.queue {
                t = try ControlTarget.domainOrQueue(queue)
                guard case .queue = t else { throw ControlError(.usage, "\"queue\" must be DOMAIN/VMTA") }
            } else if let job = body.job {
                t = try ControlTarget.jobNamed(job)
            } else {
                throw ControlError(.usage, "\"vmta\", \"queue\" or \"job\" is required")
            }
            return name == "pause" ? .pause(target: t) : .resume(target: t)
        case "mode":
            guard let mode = body.mode else { throw ControlError(.usage, "\"mode\" is required") }
            return .setMode(target: try target(), mode: mode)
        case "throttle":
            guard let settings = body.settings else { throw ControlError(.usage, "\"settings\" is required") }
            let ordered = settings.sorted { $0.key < $1.key }.map { ThrottleSetting(directive: $0.key.lowercased(), value: $0.value) }
            return .setThrottle(target: try target(), settings: ordered, persist: body.persist ?? false)
        case "replyrule":
            guard let pattern = body.pattern else { throw ControlError(.usage, "\"pattern\" is required") }
            return .addReplyRule(target: try target(), pattern: pattern, actions: body.actions ?? "mode=backoff")
        case "schedule": return .schedule(target: try target())
        case "delete":
            let t = try body.job.map { (job: String) throws(ControlError) -> ControlTarget in try ControlTarget.jobNamed(job) }
            return .delete(target: try t ?? target(), asBounces: body.dsn ?? false)
        case "reload": return .reload
        default: throw notFound(path)
        }
    }

    private static func decodeBody(_ body: [UInt8]) throws -> ActionBody {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            return try JSONDecoder().decode(ActionBody.self, from: Data("{}".utf8))
        }
        do { return try JSONDecoder().decode(ActionBody.self, from: Data(body)) } catch {
            throw ControlError(.usage, "the body must be a JSON object")
        }
    }

    private static func intParameter(_ text: String?, default value: Int) throws(ControlError) -> Int {
        guard let text else { return value }
        guard let n = Int(text) else { throw ControlError(.usage, "'\(text)' is not a number") }
        return n
    }

    private static func split(_ uri: String) -> (String, [String: String]) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: q)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if let k = kv.first { query[k] = kv.count > 1 ? kv[1] : "" }
        }
        return (String(uri[..<q]), query)
    }

    /// Where the Prometheus text is served: the conventional scrape path and the API's own.
    private static let metricsPaths: Set<String> = ["/metrics", "/api/v1/metrics"]
    private static let queries: Set<String> = ["status", "queues", "domains", "vmtas", "jobs", "topdomains", "settings", "controls", "events"]
    private static let actions: Set<String> = ["hold", "release", "pause", "resume", "mode", "throttle", "replyrule", "schedule",
                                               "delete", "reload"]
    private static let methodNotAllowed = HTTPAccess.Refusal(status: 405, message: "method not allowed")
    private static func notFound(_ path: String) -> HTTPAccess.Refusal { HTTPAccess.Refusal(status: 404, message: "no endpoint \(path)") }
}
