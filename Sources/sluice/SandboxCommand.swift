import ArgumentParser
import Foundation
import NIOPosix
import SluiceConfig
import SluiceCore
import SluiceSandbox
import SluiceSandboxServer

/// `sluice sandbox --listen 127.0.0.1:2600 --profile gmail [--seed N]`: a simulated provider's
/// SMTP receiver on loopback, answering as its profile says, deterministically under the seed.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a simulated provider's SMTP receiver (gmail, yahoo, outlook, generic or a .profile file) on loopback."
    )

    @Option(help: "Where to listen: a loopback address and port, e.g. 127.0.0.1:2600 or [::1]:2600.")
    var listen: String

    @Option(help: "A shipped profile (\(ProfileLibrary.shippedNames.joined(separator: ", "))) or the path of a .profile file.")
    var profile: String

    @Option(help: "The seed of every random decision: the same seed and traffic give the same replies.")
    var seed: UInt64 = 1

    @Option(help: "Print the receiver's counters this often (e.g. 10s; 0 for never).")
    var statsEvery = "10s"

    func run() async throws {
        let address: ListenAddress
        let interval: TimeSpan
        do {
            address = try ListenAddress(parsing: listen)
            interval = try TimeSpan(parsing: statsEvery)
        } catch {
            throw ValidationError("\(error)")
        }
        guard LoopbackGuard(mode: "sandbox").check(address.address).isAllowed else {
            fail("refused to listen on \(address): not a loopback address; a sandbox listens only on 127.0.0.0/8 and ::1", status: 2)
        }
        let loaded: SandboxProfile
        do {
            loaded = try ProfileLibrary().load(profile)
        } catch {
            fail("\(error)", status: 1)
        }
        let clock = WallClock()
        let receiver = SandboxReceiver(profile: loaded, seed: seed, startedAt: clock.now())
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(listen: address, receiver: receiver, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            fail("cannot listen on \(address): \(error)", status: 1)
        }
        printLine("sandbox \(loaded.name) (\(loaded.hostname)) listening on \(server.localAddress), seed \(seed)")
        let reporter = Task {
            guard interval.milliseconds > 0 else { return }
            while !Task.isCancelled {
                try? await clock.sleep(for: interval)
                if !Task.isCancelled { printLine("sandbox \(loaded.name): \(receiver.stats)") }
            }
        }
        let signal = await firstSignal(of: [.sigterm, .sigint])
        reporter.cancel()
        try? await server.close()
        printLine("sandbox \(loaded.name) stopped (signal \(signal)): \(receiver.stats); closed by the server: \(server.closes)")
    }

    private func fail(_ message: String, status: Int32) -> Never {
        printError("sluice sandbox: \(message)")
        Foundation.exit(status)
    }
}
