import Foundation

/// Runs blocking test I/O on its own thread so it never occupies the cooperative pool the server
/// under test needs (on a 2-core machine the pool has only two threads).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
        thread.start()
    }
}
