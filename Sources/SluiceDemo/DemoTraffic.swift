import SluiceSandboxServer
import Synchronization

/// Where a demo's traffic comes from: the ``TrafficGenerator`` over SMTP on a wall-clock run, the
/// ``PlanInjector`` in process on a simulated one.
protocol DemoTraffic: Sendable {
    /// The counters so far.
    var stats: GeneratorStats { get }
    /// Injects nothing more; returns once injection has stopped.
    func stop() async
}

/// The ``TrafficGenerator`` running in a task of its own until stopped.
final class GeneratorTraffic: DemoTraffic {
    let generator: TrafficGenerator
    private let task: Mutex<Task<Void, Never>?>

    /// Starts `generator`.
    init(_ generator: TrafficGenerator) {
        self.generator = generator
        task = Mutex(Task { await generator.run() })
    }

    var stats: GeneratorStats { generator.stats }

    /// Cancels the generator and waits for its connections to say QUIT.
    func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        guard let running else { return }
        running.cancel()
        await running.value
    }
}
