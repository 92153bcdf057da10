import SluiceConfig
import SluiceBase

/// How the console ended.
public enum ConsoleExit: Hashable, Sendable {
    /// The operator quit.
    case quit
    /// A termination signal (SIGINT, SIGTERM, SIGHUP) arrived.
    case signal(Int32)
    /// The terminal's input ended.
    case inputClosed
}

/// The console's outer loop: merges terminal input, data-source feed and a once-a-second tick
/// into reducer events, performs the reducer's effects, and presents each rendered frame.
public struct ConsoleApp: Sendable {
    private let dataSource: any ConsoleDataSource
    private let backend: any TerminalBackend
    private let glyphs: GlyphSet
    private let readOnly: Bool
    private let clock: any Clock
    private let tick: Duration

    /// Creates the app. `tick` is how often, on `clock`, ages and STALE are refreshed (one second
    /// in production).
    public init(dataSource: any ConsoleDataSource, backend: any TerminalBackend, glyphs: GlyphSet, readOnly: Bool,
                clock: any Clock, tick: Duration = .seconds(1)) {
        self.dataSource = dataSource
        self.backend = backend
        self.glyphs = glyphs
        self.readOnly = readOnly
        self.clock = clock
        self.tick = tick
    }

    private enum Input: Sendable {
        case event(ConsoleEvent)
        case signal(Int32)
        case inputClosed
    }

    /// The reducer event for what the data source reported at `now`.
    static func event(for feed: ConsoleFeed, at now: Instant) -> ConsoleEvent {
        switch feed {
        case .snapshot(let s): .snapshot(s, at: now)
        case .events(let e): .events(e)
        case .disconnected(let why): .connectionLost(why)
        case .node(let node, .snapshot(let s)): .nodeSnapshot(node: node, s, at: now)
        case .node(let node, .disconnected(let why)): .nodeLost(node: node, why)
        case .node(_, let inner): event(for: inner, at: now)
        }
    }

    /// Runs until the operator quits, a signal arrives or the terminal closes; restores the
    /// terminal (``TerminalBackend/shutdown()``) on every one of those paths.
    public func run() async -> ConsoleExit {
        let (inputs, sink) = AsyncStream.makeStream(of: Input.self)
        let size = backend.size
        var state = ConsoleState(width: size.width, height: size.height, now: clock.now(), readOnly: readOnly,
                                 fleet: dataSource.fleetNodes)
        let backend = self.backend, dataSource = self.dataSource, clock = self.clock, tick = self.tick

        let tasks = [
            Task {
                for await input in backend.inputs {
                    switch input {
                    case .key(let k): sink.yield(.event(.key(k)))
                    case .resize(let w, let h): sink.yield(.event(.resize(width: w, height: h)))
                    case .signal(let s): sink.yield(.signal(s))
                    }
                }
                sink.yield(.inputClosed)
            },
            Task {
                for await feed in dataSource.feed() {
                    sink.yield(.event(ConsoleApp.event(for: feed, at: clock.now())))
                }
            },
            Task {
                while !Task.isCancelled {
                    try? await clock.sleep(for: TimeSpan(tick))
                    sink.yield(.event(.tick(clock.now())))
                }
            },
        ]
        defer {
            for t in tasks { t.cancel() }
            sink.finish()
            backend.shutdown()
        }

        backend.present(ConsoleRenderer.render(state, glyphs: glyphs))
        for await input in inputs {
            let event: ConsoleEvent
            switch input {
            case .event(let e): event = e
            case .signal(let s): return .signal(s)
            case .inputClosed: return .inputClosed
            }
            let effects = ConsoleReducer.reduce(&state, event)
            for effect in effects {
                switch effect {
                case .quit:
                    return .quit
                case .request(let request):
                    Task {
                        let result = await dataSource.perform(request)
                        sink.yield(.event(.requestFinished(request, result)))
                    }
                case .fetchSettings(let target):
                    Task {
                        let result = await dataSource.settings(for: target)
                        sink.yield(.event(.settingsLoaded(target: target, result)))
                    }
                case .fetchFrame(let minute):
                    Task {
                        let result = await dataSource.historyFrame(minute: minute)
                        sink.yield(.event(.frameLoaded(minute: minute, result)))
                    }
                case .fetchSeries(let kind, let name):
                    Task {
                        let result = await dataSource.historySeries(kind: kind, name: name)
                        sink.yield(.event(.seriesLoaded(kind: kind, name: name, result)))
                    }
                case .dryRun(let pattern):
                    Task {
                        let result = await dataSource.dryRun(pattern: pattern)
                        sink.yield(.event(.dryRunLoaded(pattern: pattern, result)))
                    }
                }
            }
            backend.present(ConsoleRenderer.render(state, glyphs: glyphs))
        }
        return .inputClosed
    }
}
