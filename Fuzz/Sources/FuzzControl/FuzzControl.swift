import Foundation
import FuzzDriver
import SluiceControlProtocol

/// Control-protocol request lines, as any local client may send them: decoded and validated, or
/// refused, never a trap.
@_cdecl("FuzzControl_main")
func fuzzControlMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { data, count in
        guard let line = try? JSONDecoder().decode(ControlRequestLine.self, from: Data(fuzzInput(data, count))),
              let command = line.command else { return 0 }
        _ = try? CommandValidator.validate(query: command)
        if let mutation = command.mutation { _ = try? CommandValidator.validate(mutation, ttlSeconds: line.ttlSeconds) }
        return 0
    }
}
