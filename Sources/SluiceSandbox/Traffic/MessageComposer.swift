import SluiceBase

/// Builds the headers and the filler body of generated messages.
enum MessageComposer {
    static let firstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
                             "mallory", "nina", "oscar", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor",
                             "walter", "xena", "yusuf", "zoe"]
    static let lastNames = ["smith", "jones", "brown", "garcia", "miller", "davis", "martin", "lopez", "wilson", "moore",
                            "taylor", "anderson", "thomas", "jackson", "white", "harris", "clark", "lewis", "walker", "young"]
    static let subjects = ["Your weekly digest", "Receipt for your order", "We miss you", "New arrivals this week",
                           "Your account summary", "Last chance: 20% off", "Shipping update", "Tips to get started"]
    static let words = ["the", "quick", "delivery", "of", "mail", "through", "a", "sluice", "keeps", "water", "moving",
                        "at", "measured", "pace", "queues", "throttle", "and", "back", "off", "when", "providers", "ask",
                        "for", "patience", "every", "message", "finds", "its", "way", "home", "eventually"]

    /// A local part for mailbox number `n` of a domain: `alice.smith`, `bob.jones42`, …
    static func localPart(_ n: Int) -> String {
        let names = firstNames.count * lastNames.count
        let first = firstNames[n % firstNames.count]
        let last = lastNames[(n / firstNames.count) % lastNames.count]
        let suffix = n / names
        return suffix == 0 ? "\(first).\(last)" : "\(first).\(last)\(suffix)"
    }

    /// The header block (ending with the empty line) of a generated message.
    static func headers(sender: String, senderDomain: String, recipients: [String], subject: String, date: Instant,
                        messageID: String, jobID: String, virtualMTA: String?) -> String {
        var lines = [
            "From: \"Sluice Demo\" <\(sender)>",
            "To: " + recipients.map { "<\($0)>" }.joined(separator: ",\r\n "),
            "Subject: \(subject)",
            "Date: \(CivilTime(date).rfc5322Text)",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=us-ascii",
            "Content-Transfer-Encoding: 7bit",
            "X-Job: \(jobID)",
        ]
        if let virtualMTA { lines.append("X-Virtual-MTA: \(virtualMTA)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// Exactly `bytes` bytes (at least 2) of body: words on lines of at most 74 characters plus CRLF.
    static func body(bytes: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(max(2, bytes))
        var remaining = max(2, bytes)
        while remaining > 0 {
            var length = min(remaining, 76)
            if remaining - length == 1 { length -= 1 }
            let textEnd = out.count + length - 2
            while out.count < textEnd {
                if out.count > textEnd - length + 2 { out.append(UInt8(ascii: " ")) }
                out.append(contentsOf: wordBytes[Int(random.next(below: UInt64(wordBytes.count)))])
            }
            out.removeLast(out.count - textEnd)
            out.append(contentsOf: [13, 10])
            remaining -= length
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let wordBytes = words.map { Array($0.utf8) }
}
