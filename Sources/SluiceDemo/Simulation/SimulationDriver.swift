import SluiceConfig
import SluiceCore
import SluiceServer
import Synchronization

/// Moves a simulated demo through virtual time one event at a time, and lets the node settle at
/// each: nothing moves the clock while a task still has work at the current instant, so what
/// happens does not depend on how long that work takes in real time.
struct SimulationDriver: Sendable {
    let clock: VirtualClock
    /// The clock as the sandbox transport sleeps on it.
    let replies: ObservedClock
    let node: MailNode
    let injector: PlanInjector

    /// Lets `span` of virtual time pass: the clock moves to the next instant something is due —
    /// a planned message's send time, or the earliest deadline a task sleeps until (the node's
    /// delivery loop, a receiver's slow reply) — the messages due then are injected, and the node
    /// settles before the clock moves again.
    func advance(by span: TimeSpan) async {
        let end = clock.now() + span
        await step()
        while clock.now() < end {
            let next = [clock.nextDeadline, injector.nextDueAt].compactMap { $0 }.min() ?? end
            clock.advance(to: min(next, end))
            await step()
        }
    }

    /// Shuts the node down. The clock stands still until the node has stopped starting delivery
    /// work; then, whenever every delivery operation in flight is asleep in a receiver's slow
    /// reply, it moves to the earliest of their deadlines, until they have all finished (the node
    /// waits for its transactions up to its shutdown grace, on this clock) and the node has stopped.
    func shutdown() async {
        let stopped = StopFlag()
        let stopping = Task {
            await node.shutdown()
            stopped.set()
        }
        while await !node.isStopping { await Task.yield() }
        while true {
            let inFlight = await node.deliveryOperationsInFlight
            if inFlight == 0, stopped.isSet { break }
            if inFlight > 0, replies.sleeping == inFlight, await node.deliveryOperationsInFlight == inFlight,
               let next = replies.earliestDeadline {
                clock.advance(to: next)
            } else {
                await Task.yield()
            }
        }
        await stopping.value
    }

    private func step() async {
        await injector.injectDue()
        await settle()
    }

    /// Returns once the node waits on nothing but the clock: the clock's sleepers are the node's
    /// delivery loop plus one per delivery operation in flight, each of which is then asleep in a
    /// receiver's slow reply. The clock stands still meanwhile, so each operation either finishes
    /// or falls asleep; the count is read twice around the clock's so that an operation ending
    /// and another starting between two reads cannot pass for a quiet node.
    private func settle() async {
        while true {
            let inFlight = await node.deliveryOperationsInFlight
            if clock.sleeperCount == 1 + inFlight, await node.deliveryOperationsInFlight == inFlight { return }
            await Task.yield()
        }
    }
}

/// Set once the node's shutdown has returned.
private final class StopFlag: Sendable {
    private let value = Atomic(false)

    func set() { value.store(true, ordering: .sequentiallyConsistent) }

    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
