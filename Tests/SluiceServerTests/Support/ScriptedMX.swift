import SluiceConfig
import SluiceCore
import SluiceDNS
import Synchronization

/// MX answers from a table (a name not in it is NXDOMAIN; `failing` names get no answer), with
/// every query counted. Names in `held` wait until ``release()``, to play a slow name server.
final class ScriptedMX: DNSQuerying, Sendable {
    private struct State {
        var queries: [String] = []
        var held: Set<String>
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let table: [String: [String]]
    private let failing: Set<String>
    private let state: Mutex<State>

    init(_ table: [String: [String]], held: Set<String> = [], failing: Set<String> = []) {
        self.table = table
        self.failing = failing
        self.state = Mutex(State(held: held))
    }

    /// The names queried so far, in order.
    var queries: [String] { state.withLock { $0.queries } }

    /// Lets every held query answer.
    func release() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.held = []
            defer { s.waiting = [] }
            return s.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func query(_ name: String, type: DNSRecordType) async -> DNSQueryResult {
        let held = state.withLock { s -> Bool in
            s.queries.append(name)
            return s.held.contains(name)
        }
        if held {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let answerNow = state.withLock { s -> Bool in
                    guard s.held.contains(name) else { return true }
                    s.waiting.append(continuation)
                    return false
                }
                if answerNow { continuation.resume() }
            }
        }
        if failing.contains(name) { return .failed("no answer for \(name) (scripted)") }
        do { return .response(try DNSMessage(parsing: Self.packet(name, exchanges: table[name]))) } catch {
            return .failed("\(error)")
        }
    }

    /// A response to an MX query for `name`: its exchanges, or NXDOMAIN for nil.
    static func packet(_ name: String, exchanges: [String]?) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        func encode(_ text: String) -> [UInt8] {
            text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
        }
        let answers = exchanges ?? []
        var bytes = [0x12, 0x34, 0x81, exchanges == nil ? 0x83 : 0x80] + u16(1) + u16(answers.count) + u16(0) + u16(0)
        bytes += encode(name) + u16(15) + u16(1)
        for host in answers {
            let data = u16(10) + encode(host)
            bytes += [0xC0, 12] + u16(15) + u16(1) + [0, 0, 0x01, 0x2C] + u16(data.count) + data
        }
        return bytes
    }
}
