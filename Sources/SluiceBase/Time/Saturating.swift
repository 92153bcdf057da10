/// `a + b`, clamped to the Int64 range instead of trapping: time arithmetic on configured
/// durations (`bounce-after 100000000d`) must not crash the engine.
package func satAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : sum
}

/// `a * b`, clamped to the Int64 range instead of trapping.
package func satMul(_ a: Int64, _ b: Int64) -> Int64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? ((a < 0) != (b < 0) ? .min : .max) : product
}
