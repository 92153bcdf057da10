/// Small, locale-independent formatters shared by the table renderers.
public enum Formatting {
    /// `3723` → `1h2m3s`; under a minute `42s`; days as `2d3h`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        var s = Int64(min(max(0, seconds), 1e15).rounded(.down))
        if s < 60 { return "\(s)s" }
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where s >= size {
            out += "\(s / size)\(unit)"
            s %= size
        }
        return out
    }

    /// One decimal place: `12.5`, `0.0`.
    public static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        guard abs(value) < 1e15 else { return "\(value)" }
        let tenths = Int64((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// Bytes in binary units: `512 B`, `1.5 KiB`, `50.0 GiB`.
    public static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        var value = Double(count)
        for unit in ["KiB", "MiB", "GiB", "TiB", "PiB"] {
            value /= 1024
            if value < 1024 || unit == "PiB" { return "\(decimal(value)) \(unit)" }
        }
        return "\(count) B"
    }

    /// `until` relative to `now`: `29m left`, `expired`, or `-` for never.
    public static func remaining(until: Double?, now: Double) -> String {
        guard let until else { return "-" }
        let left = until - now
        guard left.isFinite else { return "-" }
        return left <= 0 ? "expired" : "\(duration(left)) left"
    }

    /// `text` cut to `limit` characters with a trailing `…`.
    public static func truncate(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(0, limit - 1))) + "…"
    }
}
