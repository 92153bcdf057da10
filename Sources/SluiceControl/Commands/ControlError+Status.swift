import SluiceCore

extension ControlError {
    /// The CLI exit status: 2 for usage and connection errors, 1 for a request that failed.
    public var exitCode: Int32 {
        switch code {
        case .usage, .unavailable: return 2
        default: return 1
        }
    }

    /// The HTTP status the management API answers with.
    public var httpStatus: Int {
        switch code {
        case .usage: return 400
        case .unknownQueue, .unknownControl: return 404
        case .badSetting: return 422
        case .refused: return 409
        case .permissionDenied: return 403
        case .unavailable: return 503
        case .internal: return 500
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
