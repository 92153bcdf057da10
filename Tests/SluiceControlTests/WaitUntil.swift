/// A condition that did not come true in time.
struct WaitTimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` every 10 ms until it holds; throws after `timeout`.
func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimedOut(description: "timed out waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
