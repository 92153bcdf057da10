import Foundation
import Glibc
import Testing

/// A scripted SMTP server (Python, in a child process) on a loopback address that answers every
/// MAIL, RCPT and DATA with the script's reply and records each session: the commands in order,
/// the message content, and whether the client closed it. Stopped by ``stop()`` (call it in a
/// `defer`); never outlives the test.
final class ScriptedPeer: @unchecked Sendable {
    /// The replies the peer gives (full reply lines, e.g. `550 5.1.1 No such user`). A reply
    /// starting with 421 closes the connection after it is sent.
    struct Script: Encodable {
        /// The greeting; when it is not 220 the peer answers only QUIT (221) and other commands 503.
        var greeting = "220 peer.test ESMTP"
        var mail = "250 2.1.0 Ok"
        var rcpt = "250 2.1.5 Ok"
        /// The reply after the final dot.
        var data = "250 2.0.0 Ok: queued"
        /// Seconds to wait before the reply after the final dot (to keep connections busy).
        var dataDelay = 0.0
        /// Offer DSN (RFC 3461) in the EHLO reply.
        var offersDSN = false
    }

    /// One connection as the peer saw it.
    struct Session {
        /// The command lines, in order.
        var commands: [String] = []
        /// Each message received (after the final dot), as lines without CRLF.
        var contents: [[String]] = []
        /// Seconds since the epoch when the connection was accepted and when it ended.
        var opened = 0.0
        var closed: Double?

        /// The RCPT commands of each transaction (each MAIL starts one).
        var transactions: [[String]] {
            var out: [[String]] = []
            for command in commands {
                let verb = command.prefix(4).uppercased()
                if verb == "MAIL" { out.append([]) } else if verb == "RCPT", !out.isEmpty { out[out.count - 1].append(command) }
            }
            return out
        }

        /// True when the client sent QUIT.
        var quit: Bool { commands.contains { $0.uppercased() == "QUIT" } }
    }

    let host: String
    let port: Int
    private let process = Process()
    private let stdin = Pipe()
    private let logPath: String

    /// Starts the peer on `host` (an address in 127.0.0.0/8), port `port` (0: any free one).
    init(host: String = "127.0.0.1", port: Int = 0, script: Script = Script(), directory: String) throws {
        self.host = host
        logPath = "\(directory)/peer-\(host)-\(UUID().uuidString.prefix(8)).jsonl"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        struct Spec: Encodable { var host: String; var port: Int; var log: String; var script: Script }
        let spec = String(decoding: try JSONEncoder().encode(Spec(host: host, port: port, log: logPath, script: script)),
                          as: UTF8.self)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.program, spec]
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // The first line is {"port": N}, printed once the socket listens.
        var line = Data()
        while !line.contains(10) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
              let port = object["port"] as? Int else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestError("the scripted peer did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    /// The sessions so far, in the order they were accepted.
    var sessions: [Session] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        var sessions: [Int: Session] = [:]
        for line in data.split(separator: 10) {
            guard let event = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                  let conn = event["conn"] as? Int else { continue }
            var session = sessions[conn] ?? Session()
            let time = event["time"] as? Double ?? 0
            if let command = event["line"] as? String { session.commands.append(command) }
            if let content = event["content"] as? [String] { session.contents.append(content) }
            if event["event"] as? String == "connect" { session.opened = time }
            if event["event"] as? String == "close" { session.closed = time }
            sessions[conn] = session
        }
        return sessions.keys.sorted().compactMap { sessions[$0] }
    }

    /// The largest number of sessions that were open at the same time.
    var maxConcurrentSessions: Int {
        var edges: [(time: Double, delta: Int)] = []
        for session in sessions {
            edges.append((session.opened, 1))
            if let closed = session.closed { edges.append((closed, -1)) }
        }
        // At equal times a close counts before an open.
        edges.sort { $0.time == $1.time ? $0.delta < $1.delta : $0.time < $1.time }
        var open = 0, most = 0
        for (_, delta) in edges {
            open += delta
            most = max(most, open)
        }
        return most
    }

    /// Stops the peer and waits for it.
    func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    private static let program = """
    import json, socketserver, sys, threading, time
    spec = json.loads(sys.argv[1])
    script = spec['script']
    lock = threading.Lock()
    counter = [0]
    out = open(spec['log'], 'a')

    def log(**event):
        event['time'] = time.time()
        with lock:
            out.write(json.dumps(event) + '\\n')
            out.flush()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, text):
            self.wfile.write((text + '\\r\\n').encode())
            self.wfile.flush()

        def handle(self):
            with lock:
                counter[0] += 1
                self.conn = counter[0]
            log(conn=self.conn, event='connect')
            try:
                self.session()
            except OSError:
                pass
            finally:
                log(conn=self.conn, event='close')

        def read(self):
            raw = self.rfile.readline()
            return None if not raw else raw.decode('latin-1').rstrip('\\r\\n')

        def session(self):
            greeting = script['greeting']
            self.reply(greeting)
            if greeting.startswith('421'):
                return
            rcpts = 0
            while True:
                line = self.read()
                if line is None:
                    return
                log(conn=self.conn, line=line)
                verb = line[:4].upper()
                if verb == 'QUIT':
                    self.reply('221 2.0.0 Bye')
                    return
                if not greeting.startswith('220'):
                    self.reply('503 5.5.1 No service')
                    continue
                if verb == 'EHLO':
                    dsn = '250-DSN\\r\\n' if script.get('offersDSN') else ''
                    self.reply('250-peer.test\\r\\n250-PIPELINING\\r\\n250-8BITMIME\\r\\n' + dsn + '250 ENHANCEDSTATUSCODES')
                elif verb == 'HELO':
                    self.reply('250 peer.test')
                elif verb in ('MAIL', 'RCPT'):
                    answer = script['mail' if verb == 'MAIL' else 'rcpt']
                    if verb == 'MAIL':
                        rcpts = 0
                    elif answer.startswith('2'):
                        rcpts += 1
                    self.reply(answer)
                    if answer.startswith('421'):
                        return
                elif verb == 'DATA':
                    if rcpts == 0:
                        self.reply('554 5.5.1 No valid recipients')
                        continue
                    self.reply('354 Go ahead')
                    content = []
                    while True:
                        data = self.read()
                        if data is None:
                            return
                        if data == '.':
                            break
                        content.append(data[1:] if data.startswith('.') else data)
                    log(conn=self.conn, content=content)
                    time.sleep(script['dataDelay'])
                    self.reply(script['data'])
                elif verb in ('RSET', 'NOOP'):
                    rcpts = 0 if verb == 'RSET' else rcpts
                    self.reply('250 2.0.0 Ok')
                else:
                    self.reply('502 5.5.1 Unknown command')

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    server = socketserver.ThreadingTCPServer((spec['host'], spec['port']), Handler)
    print(json.dumps({'port': server.server_address[1]}), flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    """
}

/// The rows of an accounting CSV file, each as column name → value.
func accountingRows(_ path: String) -> [[String: String]] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    let records = parseCSV(String(decoding: data, as: UTF8.self))
    guard let header = records.first else { return [] }
    return records.dropFirst().map { fields in
        Dictionary(zip(header, fields).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
    }
}

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks); a trailing partial
/// line is left out, since the writer may be in the middle of it.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = [], fields: [String] = [], field = "", quoted = false
    var iterator = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar?
    while let c = pending ?? iterator.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                let next = iterator.next()
                if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            fields.append(field)
            field = ""
        } else if c == "\n" {
            fields.append(field)
            records.append(fields)
            fields = []
            field = ""
        } else if c != "\r" {
            field.unicodeScalars.append(c)
        }
    }
    return records
}
