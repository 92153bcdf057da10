import SluiceBase

/// Writes the Prometheus text exposition format, version 0.0.4: `# HELP`, `# TYPE`, then one
/// line per sample with escaped label values.
public struct PrometheusText: Sendable {
    /// A metric type.
    public enum Kind: String, Sendable {
        /// Only goes up (names end in `_total`).
        case counter
        /// Goes up and down.
        case gauge
        /// Cumulative buckets (`_bucket{le=…}`), `_sum` and `_count`.
        case histogram
    }

    /// The text so far.
    public private(set) var output = ""

    /// An empty document.
    public init() {}

    /// Writes one metric family: its HELP and TYPE lines and its samples (labels in the order given).
    /// A family without samples is left out, as Prometheus clients do.
    public mutating func family(_ name: String, _ kind: Kind, help: String, samples: [([(String, String)], Double)]) {
        guard !samples.isEmpty else { return }
        output += "# HELP \(name) \(Self.escapeHelp(help))\n"
        output += "# TYPE \(name) \(kind.rawValue)\n"
        for (labels, value) in samples {
            output += name
            if !labels.isEmpty {
                output += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
            }
            output += " \(Self.format(value))\n"
        }
    }

    /// Writes one histogram family: per series, the cumulative count of each bucket of
    /// ``LatencyHistogram/boundsSeconds`` and `+Inf` as `NAME_bucket{…,le="…"}`, then `NAME_sum`
    /// and `NAME_count`. A family without series is left out.
    public mutating func histogram(_ name: String, help: String, series: [([(String, String)], LatencyHistogram)]) {
        guard !series.isEmpty else { return }
        output += "# HELP \(name) \(Self.escapeHelp(help))\n"
        output += "# TYPE \(name) \(Kind.histogram.rawValue)\n"
        func line(_ suffix: String, _ labels: [(String, String)], _ value: Double) {
            output += name + suffix + "{" + labels.map { "\($0.0)=\"\(Self.escapeLabelValue($0.1))\"" }.joined(separator: ",")
                + "} \(Self.format(value))\n"
        }
        for (labels, h) in series {
            var cumulative = 0
            for (i, count) in h.counts.enumerated() {
                cumulative += count
                let le = i < LatencyHistogram.boundsSeconds.count ? Self.format(LatencyHistogram.boundsSeconds[i]) : "+Inf"
                line("_bucket", labels + [("le", le)], Double(cumulative))
            }
            line("_sum", labels, h.sumSeconds)
            line("_count", labels, Double(cumulative))
        }
    }

    /// Escapes `\`, `"` and line feeds in a label value.
    public static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Escapes `\` and line feeds in HELP text.
    public static func escapeHelp(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    /// Whole numbers without a fraction, `+Inf`, `-Inf`, `NaN`, else Swift's shortest round-trip form.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
