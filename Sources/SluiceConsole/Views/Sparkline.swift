/// Sparklines: a series squeezed into a fixed number of cells.
enum Sparkline {
    /// The last samples of `series` as `width` glyphs; when the series is longer than `width`
    /// and `compress` is set, consecutive samples are averaged into buckets instead.
    static func render(_ series: [Int], width: Int, glyphs: GlyphSet, compress: Bool = false) -> String {
        guard width > 0 else { return "" }
        var values: [Double]
        if compress, series.count > width {
            values = (0..<width).map { i in
                let lo = i * series.count / width, hi = max(lo + 1, (i + 1) * series.count / width)
                return Double(series[lo..<hi].reduce(0, +)) / Double(hi - lo)
            }
        } else {
            values = series.suffix(width).map(Double.init)
        }
        let top = max(1, values.max() ?? 1)
        let levels = glyphs.sparks.count
        var out = String(repeating: " ", count: width - values.count)
        for v in values {
            out.append(v <= 0 ? " " : glyphs.sparks[min(levels - 1, max(0, Int((v / top) * Double(levels - 1) + 0.5)))])
        }
        return out
    }
}
