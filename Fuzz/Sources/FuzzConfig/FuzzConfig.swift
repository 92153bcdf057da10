import Foundation
import FuzzDriver
import SluiceConfig

/// The configuration language: any text loads with diagnostics, never a trap.
@_cdecl("FuzzConfig_main")
func fuzzConfigMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv) { data, count in
        // No `include` of real files (the fuzzer's text would read whatever it names): the word is
        // defused, the rest of the text still parsed.
        let text = String(decoding: fuzzInput(data, count), as: UTF8.self).replacingOccurrences(of: "include", with: "inclvde")
        _ = ConfigLoader.load(text: text, fileName: "fuzz.conf")
        _ = ConfigLoader.load(text: text, fileName: "fuzz.conf", strict: true)
        return 0
    }
}
