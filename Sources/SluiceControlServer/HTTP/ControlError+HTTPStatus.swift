import SluiceCore

extension ControlError {
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
