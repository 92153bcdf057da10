import Foundation

/// How far a node's ``SuppressionReplica`` got, kept next to the suppression database
/// (`suppression.sqlite.fleet`, JSON) so that a restart resumes instead of starting over:
/// the last stream entry taken from the fleet and the last row of the file pushed to it.
struct SuppressionReplicaPosition: Codable, Hashable, Sendable {
    /// The id of the last `suppression:changes` entry applied (nil: never synchronised).
    var stream: String?
    /// The last row id of the local file pushed to Redis (nil: not started).
    var pushed: Int64?

    /// The position saved at `path`; an empty one when the file is missing or unreadable.
    static func load(_ path: String) -> SuppressionReplicaPosition {
        guard let data = FileManager.default.contents(atPath: path),
              let position = try? JSONDecoder().decode(Self.self, from: data) else { return SuppressionReplicaPosition() }
        return position
    }

    /// Writes the position to `path` (atomically); the error's text on failure.
    func save(_ path: String) -> String? {
        do {
            try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
