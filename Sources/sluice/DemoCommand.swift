import ArgumentParser
import Foundation
import SluiceConfig
import SluiceConsole
import SluiceControlProtocol
import SluiceCore
import SluiceDemo

/// `sluice demo` (and bare `sluice`): the MTA on an embedded configuration, sandbox providers on
/// loopback and generated traffic, in one process, with the console attached or, headless, a live
/// line every second and a per-domain summary at the end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the MTA against simulated providers (gmail, yahoo, outlook, generic) on loopback, with generated traffic.",
        discussion: """
        Every delivery stays on 127.0.0.0/8: any other destination is refused and logged. The spool, \
        sluice.log and acct.csv live in a temporary directory (removed at the end) unless --spool names one.
        """
    )

    @Flag(help: "No console: print a live line every second and a per-domain summary at the end.")
    var noConsole = false

    @Option(help: "How long the traffic runs (e.g. 30s, 2m). Headless the default is 60s; with the console the traffic runs until you quit.")
    var duration: String?

    @Option(help: "Messages per second to inject.")
    var rate: Double = 200

    @Option(help: "The control socket (default: control.sock in the demo's directory).")
    var socket: String?

    @Option(help: "The demo's directory: the spool in DIR/spool, sluice.log and acct.csv; kept after the run.")
    var spool: String?

    @Option(help: "The seed of the traffic and of every sandbox decision.")
    var seed: UInt64 = 1

    @Option(help: "Colour theme of the console (default, dark, light, high-contrast, mono or a .theme file).")
    var theme: String?

    func validate() throws {
        guard rate.isFinite, rate >= 0.001, rate <= 1_000_000 else {
            throw ValidationError("--rate must be from 0.001 to 1000000 messages per second")
        }
        if let duration {
            let span: TimeSpan
            do { span = try TimeSpan(parsing: duration) } catch { throw ValidationError("--duration: \(error)") }
            guard span.milliseconds > 0 else { throw ValidationError("--duration must be longer than 0") }
        }
    }

    func run() async throws {
        let span = try duration.map { try TimeSpan(parsing: $0) }
        let chosenTheme: Theme?
        if noConsole {
            chosenTheme = nil
        } else {
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
                fail("the console needs a terminal; `sluice demo --no-console` runs without one", status: 2)
            }
            do { chosenTheme = try ConsoleLauncher.theme(named: theme) } catch { fail("\(error)", status: 2) }
        }
        let run: DemoRun
        do {
            run = try await DemoRun.start(DemoOptions(rate: rate, seed: seed, directory: spool, controlSocket: socket))
        } catch {
            fail("\(error)", status: 1)
        }
        if let chosenTheme {
            await attachConsole(run, theme: chosenTheme, duration: span)
        } else {
            await runHeadless(run, duration: span ?? .seconds(60))
        }
    }

    /// The live line every second until `duration` has passed or a signal arrives; then the summary.
    private func runHeadless(_ run: DemoRun, duration: TimeSpan) async {
        if let network = run.network {
            printLine("sluice demo: MTA on 127.0.0.1:\(network.smtpPort), providers "
                      + network.servers.keys.sorted().map { "\($0) 127.0.0.1:\(network.servers[$0]?.port ?? 0)" }.joined(separator: ", "))
            printLine("control socket: \(network.controlSocketPath)   (sluice console --socket \(network.controlSocketPath))")
        }
        printLine("directory: \(run.directory)\(spool == nil ? " (removed at the end)" : "")")
        let clock = WallClock()
        let live = Task {
            let deadline = clock.now() + duration
            var previous: DemoSample?
            while clock.now() < deadline, !Task.isCancelled {
                do { try await clock.sleep(until: min(deadline, clock.now() + .seconds(1))) } catch { break }
                let sample = await run.sample()
                printLine(sample.line(since: previous))
                previous = sample
            }
        }
        // SIGINT or SIGTERM ends the traffic early; the summary still follows.
        let signals = Task {
            _ = await firstSignal(of: [.sigterm, .sigint])
            live.cancel()
        }
        await live.value
        signals.cancel()
        printLine("stopping: traffic off, finishing transactions in flight…")
        let summary = await run.finish()
        printLine("")
        printLine(summary.text)
    }

    /// The console on the node in this process; the traffic stops after `duration` if given. The
    /// summary follows when the console quits.
    private func attachConsole(_ run: DemoRun, theme: Theme, duration: TimeSpan?) async {
        let clock = WallClock()
        let sampler = Task {
            while !Task.isCancelled {
                _ = await run.sample()
                try? await clock.sleep(for: .seconds(1))
            }
        }
        let timer = Task {
            guard let duration else { return }
            try? await clock.sleep(for: duration)
            if !Task.isCancelled { await run.stopTraffic() }
        }
        let endpoint = run.controlEndpoint(actor: ControlActor(uid: getuid(), user: ProcessInfo.processInfo.userName, tokenID: nil,
                                                                 label: "console"))
        let outcome: ConsoleExit
        do {
            outcome = try await ConsoleLauncher.run(dataSource: ControlDataSource(endpoint: endpoint), theme: theme, readOnly: false)
        } catch {
            timer.cancel()
            sampler.cancel()
            _ = await run.finish()
            fail("\(error)", status: 2)
        }
        timer.cancel()
        sampler.cancel()
        let summary = await run.finish()
        printLine(summary.text)
        if case .signal(let number) = outcome { Foundation.exit(128 + number) }
    }

    private func fail(_ message: String, status: Int32) -> Never {
        printError("sluice demo: \(message)")
        Foundation.exit(status)
    }
}
