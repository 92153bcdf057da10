/// Number, duration and time formatting for narrow columns. Pure and locale-independent.
enum Format {
    /// `1234` → `1,234`; a million and more → `1.23M`.
    static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return fixed(Double(n) / 1_000_000, 2) + "M" }
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// A per-minute or per-second figure: `0`, `4.5`, `120`, `12.3k`.
    static func rate(_ v: Double) -> String {
        if v <= 0 || !v.isFinite { return "0" }
        if v < 10 { return fixed(v, 1) }
        if v < 10_000 { return fixed(v, 0) }
        return fixed(v / 1000, 1) + "k"
    }

    /// `v` with `decimals` decimals (0–2), rounded half up.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "0" }
        let scale = decimals == 0 ? 1.0 : decimals == 1 ? 10.0 : 100.0
        let scaled = Int64((abs(v) * scale).rounded())
        let sign = v < 0 && scaled != 0 ? "-" : ""
        if decimals == 0 { return sign + String(scaled) }
        let whole = scaled / Int64(scale)
        var frac = String(scaled % Int64(scale))
        while frac.count < decimals { frac = "0" + frac }
        return "\(sign)\(whole).\(frac)"
    }

    /// A duration in its two largest units: `45s`, `12m05s`, `4h12m`, `3d04h`.
    static func duration(seconds: Double) -> String {
        let s = max(0, Int(seconds))
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h\(two(s % 3600 / 60))m" }
        return "\(s / 86_400)d\(two(s % 86_400 / 3600))h"
    }

    /// A byte count: `512B`, `12K`, `640M`, `1.2G`, `3.4T`.
    static func bytes(_ n: Int64) -> String {
        let units: [(String, Double)] = [("T", 1_099_511_627_776), ("G", 1_073_741_824), ("M", 1_048_576), ("K", 1024)]
        for (u, size) in units where Double(n) >= size {
            let v = Double(n) / size
            return (v < 10 ? fixed(v, 1) : fixed(v, 0)) + u
        }
        return "\(n)B"
    }

    /// A percentage with one decimal: `3.2%`.
    static func percent(_ part: Double, of whole: Double) -> String {
        whole > 0 ? fixed(100 * part / whole, 1) + "%" : "0.0%"
    }

    /// `HH:MM:SS` (UTC) of a Unix time.
    static func clock(_ unixSeconds: Double) -> String {
        let s = ((Int(unixSeconds) % 86_400) + 86_400) % 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60))"
    }

    /// Text padded (or truncated) to exactly `width` display cells.
    static func pad(_ text: String, _ width: Int, right: Bool = false, ellipsis: Character = "…") -> String {
        let t = text.truncated(toWidth: width, ellipsis: ellipsis)
        let gap = max(0, width - DisplayWidth.of(t))
        let spaces = String(repeating: " ", count: gap)
        return right ? spaces + t : t + spaces
    }
}
