/// libFuzzer's driver (`-sanitize=fuzzer` links it): runs `callback` on generated inputs, with
/// libFuzzer's command line (corpus directories, `-max_total_time=`, `-runs=`, …).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer over `test`, which gets each input as bytes; returns the process's exit code.
///
/// Each fuzzer's executable defines its module's entry point (`<Module>_main`, what SwiftPM calls
/// for an executable target) and calls this; libFuzzer's own `main` is not used.
public func runFuzzer(argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, test)
}

/// The input as an array (empty for a null pointer).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let data, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: count))
}
