import FuzzDriver
import SluiceReports

/// Inbound bounce and complaint reports: any bytes give a report or a reason, never a trap.
@_cdecl("FuzzReports_main")
func fuzzReportsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { data, count in
        let report = ReportParser().parse(fuzzInput(data, count))
        if case .bounce(let bounce) = report, bounce.recipients.isEmpty { fatalError("a bounce without recipients") }
        return 0
    }
}
