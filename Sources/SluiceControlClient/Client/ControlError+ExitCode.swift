import SluiceBase

extension ControlError {
    /// The CLI exit status: 2 for usage and connection errors, 1 for a request that failed.
    public var exitCode: Int32 {
        switch code {
        case .usage, .unavailable: return 2
        default: return 1
        }
    }
}
