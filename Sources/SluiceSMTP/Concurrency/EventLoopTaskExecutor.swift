import NIOCore

/// A SwiftNIO event loop as a Swift concurrency task executor: a task created with it as its
/// executor preference (`Task(executorPreference:)`) runs its non-isolated code, and the default
/// actors it calls, on that loop's thread instead of the global executor's.
///
/// Used for a task whose work is mostly on one channel, such as a delivery sending a message on
/// an ``SMTPClientConnection`` (whose actor runs on its channel's loop): without a hop to another
/// thread and back, the message costs two thread wake-ups fewer.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    /// An executor running jobs on `eventLoop`.
    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the loop, after what the loop has already been asked to do.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
