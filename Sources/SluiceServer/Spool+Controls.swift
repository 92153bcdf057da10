import Foundation
import SluiceCore
import SluiceSpool

extension Spool {
    /// Stores an operator control (JSON, until its expiry) so that it survives a restart.
    func save(_ control: Control) throws {
        try saveControl(id: String(control.id), data: try JSONEncoder().encode(control), expiresAt: control.expiresAt)
    }
}
