import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM, for the commands that run until stopped.
enum TerminationSignal {
    /// Suspends until SIGINT or SIGTERM arrives and returns its number; the default action (exit)
    /// is disabled for both from the first call on.
    static func wait() async -> Int32 {
        let numbers = [SIGINT, SIGTERM]
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        var received = SIGTERM
        for await number in stream {
            received = number
            break
        }
        sources.forEach { $0.cancel() }
        return received
    }
}
