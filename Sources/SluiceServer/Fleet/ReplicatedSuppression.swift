import Foundation
import SluiceBase
import SluiceSuppression

/// A suppression entry as the fleet's Redis holds it: the value of an address in its scope's hash
/// (`suppression:SCOPE`), the fields of a `suppression:changes` stream entry, and the `entry` of
/// a message on the `suppression` channel. `time` is milliseconds since 1970; `node` the node
/// that added it; `source` what caused it there.
struct ReplicatedSuppression: Codable, Hashable, Sendable {
    var address: String
    var scope: String
    var reason: String
    var source: String
    var time: Int64
    var node: String

    /// `entry` as added on `node`.
    init(_ entry: SuppressionEntry, node: String) {
        address = entry.address
        scope = entry.scope.description
        reason = entry.reason
        source = entry.source
        time = entry.time.milliseconds
        self.node = node
    }

    /// The fields of a stream entry (`op add scope S address A …`); nil without one of them or
    /// for another op.
    init?(fields: [String: String]) {
        guard fields["op"] == "add", let address = fields["address"], let scope = fields["scope"],
              let reason = fields["reason"], let source = fields["source"], let time = fields["time"].flatMap({ Int64($0) }),
              let node = fields["node"] else { return nil }
        self.address = address
        self.scope = scope
        self.reason = reason
        self.source = source
        self.time = time
        self.node = node
    }

    /// The JSON text stored in the scope's hash and published.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes the JSON of a hash value.
    init?(json: [UInt8]) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(json)) else { return nil }
        self = decoded
    }

    /// The entry this node puts in force: the source prefixed `fleet NODE: `; nil for an address
    /// or scope Sluice does not take.
    var localEntry: SuppressionEntry? {
        guard SuppressionEntry.isAddress(address), let scope = SuppressionScope(scope) else { return nil }
        return SuppressionEntry(address: address, scope: scope, reason: reason, source: Self.fleetPrefix(node) + source,
                                time: Instant(milliseconds: time))
    }

    /// `fleet NODE: `, the start of the source of an entry taken from another node.
    static func fleetPrefix(_ node: String) -> String { "fleet \(node): " }

    /// True for an entry taken from the fleet (never published again).
    static func isFromFleet(_ entry: SuppressionEntry) -> Bool { entry.source.hasPrefix("fleet ") }
}

/// A message on the `suppression` channel: the stream id of the change and the entry.
struct ReplicatedSuppressionMessage: Codable, Sendable {
    var id: String
    var entry: ReplicatedSuppression
}
