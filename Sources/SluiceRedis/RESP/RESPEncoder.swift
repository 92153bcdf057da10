/// Encodes commands (arrays of bulk strings, as Redis expects from clients) and, for tests and
/// tools, any ``RESPValue``.
public enum RESPEncoder {
    /// `command` as a RESP array of bulk strings, e.g. `["SET", "k", "v"]`.
    public static func encode(command: [String]) -> [UInt8] {
        encode(command: command.map { Array($0.utf8) })
    }

    /// `command` as a RESP array of binary-safe bulk strings.
    public static func encode(command: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        appendLine(UInt8(ascii: "*"), String(command.count), to: &out)
        for argument in command { appendBulk(argument, to: &out) }
        return out
    }

    /// `value` in RESP2/RESP3 wire form. A double is written in Swift's shortest round-tripping form.
    public static func encode(_ value: RESPValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    private static func append(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .simpleString(let text): appendLine(UInt8(ascii: "+"), text, to: &out)
        case .error(let text): appendLine(UInt8(ascii: "-"), text, to: &out)
        case .integer(let number): appendLine(UInt8(ascii: ":"), String(number), to: &out)
        case .bulkString(nil): appendLine(UInt8(ascii: "$"), "-1", to: &out)
        case .bulkString(let bytes?): appendBulk(bytes, to: &out)
        case .array(nil): appendLine(UInt8(ascii: "*"), "-1", to: &out)
        case .array(let values?): appendAggregate(UInt8(ascii: "*"), values, to: &out)
        case .null: appendLine(UInt8(ascii: "_"), "", to: &out)
        case .boolean(let flag): appendLine(UInt8(ascii: "#"), flag ? "t" : "f", to: &out)
        case .double(let number):
            let text = number.isNaN ? "nan" : number == .infinity ? "inf" : number == -.infinity ? "-inf" : "\(number)"
            appendLine(UInt8(ascii: ","), text, to: &out)
        case .set(let values): appendAggregate(UInt8(ascii: "~"), values, to: &out)
        case .push(let values): appendAggregate(UInt8(ascii: ">"), values, to: &out)
        case .map(let pairs):
            appendLine(UInt8(ascii: "%"), String(pairs.count), to: &out)
            for pair in pairs {
                append(pair.key, to: &out)
                append(pair.value, to: &out)
            }
        }
    }

    private static func appendAggregate(_ marker: UInt8, _ values: [RESPValue], to out: inout [UInt8]) {
        appendLine(marker, String(values.count), to: &out)
        for value in values { append(value, to: &out) }
    }

    private static func appendBulk(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendLine(UInt8(ascii: "$"), String(bytes.count), to: &out)
        out.append(contentsOf: bytes)
        out.append(contentsOf: [13, 10])
    }

    private static func appendLine(_ marker: UInt8, _ text: String, to out: inout [UInt8]) {
        out.append(marker)
        out.append(contentsOf: text.utf8)
        out.append(contentsOf: [13, 10])
    }
}
