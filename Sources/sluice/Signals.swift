import UnixSignals

/// Waits for the first of `signals` (trapped meanwhile: their default actions do not run) and
/// returns its number.
func firstSignal(of signals: [UnixSignal]) async -> Int32 {
    for await signal in await UnixSignalsSequence(trapping: signals) { return signal.rawValue }
    return UnixSignal.sigterm.rawValue
}
