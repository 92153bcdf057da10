import Foundation

/// Injects messages with Python's smtplib from a given loopback source address.
enum Injector {
    /// What became of one message: accepted, or refused with per-recipient or overall replies.
    struct Result: Decodable {
        var ok: Bool
        var code: Int?
        var text: String?
        var refused: [String: [Code]]?

        /// A reply code or its text (JSON arrays mix both).
        enum Code: Decodable {
            case number(Int)
            case text(String)
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let n = try? c.decode(Int.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
            }
        }

        /// The reply code refusing `recipient`, if it was refused.
        func refusalCode(_ recipient: String) -> Int? {
            guard case .number(let n)? = refused?[recipient]?.first else { return nil }
            return n
        }
    }

    /// One message: envelope sender and recipients.
    struct Message: Encodable {
        var from: String = "sender@origin.test"
        var to: [String]
        /// Filler lines of 78 bytes added to the body, about this many bytes.
        var padding: Int = 0
        /// Header lines (each ending in CRLF) put before the Subject and Message-ID headers.
        var headers: String = ""
        /// ESMTP parameters of MAIL FROM (e.g. `RET=FULL`) and of every RCPT TO (e.g. `NOTIFY=DELAY`).
        var mailOptions: [String] = []
        var rcptOptions: [String] = []
        /// The whole message (headers, blank line, body) instead of the generated one.
        var raw: String?
    }

    private static let script = """
    import json, smtplib, sys
    spec = json.loads(sys.argv[1])
    out = []
    s = smtplib.SMTP(spec['host'], spec['port'], source_address=(spec['source'], 0), timeout=60)
    for i, m in enumerate(spec['messages']):
        body = m.get('headers', '') + 'Subject: test %d\\r\\nMessage-ID: <t%d@origin.test>\\r\\n\\r\\nhello %d\\r\\n' % (i, i, i)
        body += ('x' * 76 + '\\r\\n') * (m.get('padding', 0) // 78)
        if m.get('raw') is not None:
            body = m['raw']
        try:
            refused = s.sendmail(m['from'], m['to'], body, m.get('mailOptions', []), m.get('rcptOptions', []))
            out.append({'ok': True, 'refused': {k: [v[0], v[1].decode()] for k, v in refused.items()}})
        except smtplib.SMTPRecipientsRefused as e:
            out.append({'ok': False, 'refused': {k: [v[0], v[1].decode()] for k, v in e.recipients.items()}})
            s.rset()
        except smtplib.SMTPResponseException as e:
            out.append({'ok': False, 'code': e.smtp_code, 'text': e.smtp_error.decode()})
            s.rset()
    s.quit()
    print(json.dumps(out))
    """

    /// Sends `messages` over one session to 127.0.0.1:`port` from `source`.
    static func send(_ messages: [Message], port: Int, source: String = "127.0.0.1",
                     host: String = "127.0.0.1") async throws -> [Result] {
        struct Spec: Encodable { var host: String; var port: Int; var source: String; var messages: [Message] }
        let spec = String(decoding: try JSONEncoder().encode(Spec(host: host, port: port, source: source, messages: messages)),
                          as: UTF8.self)
        let output = try await runPythonScript(script, argument: spec, what: "smtplib")
        return try JSONDecoder().decode([Result].self, from: output)
    }
}
