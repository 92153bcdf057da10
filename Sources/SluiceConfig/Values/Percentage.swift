/// A percentage such as `10%` or `0.1%`, as a fraction.
enum Percentage {
    /// Parses `P%` with 0 < P ≤ `maximum`.
    static func parse(_ text: String, maximum: Double = 100) throws(ValueError) -> Double {
        let error = ValueError(expected: "a percentage such as 10% or 0.1%", found: text)
        guard text.hasSuffix("%"), let value = Double(text.dropLast()), value.isFinite, value > 0, value <= maximum
        else { throw error }
        return value / 100
    }
}
