import ArgumentParser
import Foundation
import SluiceControlClient
import SluiceControlProtocol
import SluiceCore

/// `--socket PATH` and `--json`, shared by every command that talks to the daemon.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The daemon's control socket.",
        discussion: "Default: $SLUICE_SOCKET, else /var/spool/sluice/control.sock.", valueName: "path"))
    var socket: String?

    /// The socket to use.
    var socketPath: String { ControlClient.defaultSocketPath(explicit: socket) }
}

/// `--reason TEXT` and `--for DURATION`, shared by the commands that create a control.
struct ActionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Why, recorded with the control and in the audit log.", valueName: "text"))
    var reason: String?

    @Option(name: .customLong("for"), help: ArgumentHelp("How long the control lasts, e.g. 30m or 2h (default: until cancelled).",
                                                         valueName: "duration"))
    var duration: String?

    mutating func validate() throws { _ = try ttlSeconds() }

    /// `--for` in seconds.
    func ttlSeconds() throws -> Int? {
        guard let duration else { return nil }
        do { return try CommandValidator.ttlSeconds(duration) } catch {
            throw ValidationError("--for: \(error.message)")
        }
    }
}

/// Sends commands to the daemon and prints results; failures become one line on stderr and the
/// documented exit status (1 request failed, 2 usage or connection).
enum ControlCLI {
    /// Sends `command`, prints its result as a table or as JSON, and exits non-zero on failure.
    static func run(_ command: ControlOperation, connection: ConnectionOptions, json: Bool = false,
                    reason: String? = nil, ttlSeconds: Int? = nil) async throws {
        let client = ControlClient(socketPath: connection.socketPath, client: "cli")
        do {
            // Refuse bad input here, before looking for a daemon.
            if let mutation = command.mutation { try CommandValidator.validate(mutation, ttlSeconds: ttlSeconds) }
            try show(try await client.send(command, reason: reason, ttlSeconds: ttlSeconds), json: json)
        } catch let error as ControlError {
            FileHandle.standardError.write(Data("sluice: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    /// `show warmup`: asks for the vmtas and prints the warming ones (``WarmupReport``).
    static func runWarmup(connection: ConnectionOptions, json: Bool) async throws {
        let client = ControlClient(socketPath: connection.socketPath, client: "cli")
        do {
            guard case .vmtas(let rows) = try await client.send(.vmtas) else {
                throw ControlError(.internal, "the daemon answered show vmtas with something else")
            }
            let report = WarmupReport(rows)
            if json {
                print(String(decoding: try controlJSONEncoder(pretty: true).encode(report), as: UTF8.self))
            } else {
                print(report.render(), terminator: "")
            }
        } catch let error as ControlError {
            FileHandle.standardError.write(Data("sluice: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    /// Prints a result as the documented JSON or as a table.
    static func show(_ result: ControlResult, json: Bool) throws {
        if json {
            let data = try controlJSONEncoder(pretty: true).encode(result)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ShowRenderer.render(result, now: WallClock().now().secondsSince1970), terminator: "")
        }
    }

    /// A request refused before anything was sent: one line, and the error's exit status.
    static func refuse(_ error: ControlError) -> ExitCode {
        FileHandle.standardError.write(Data("sluice: \(error.message)\n".utf8))
        return ExitCode(error.exitCode)
    }
}
