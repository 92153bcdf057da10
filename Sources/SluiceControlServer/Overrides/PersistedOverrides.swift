import Foundation
import SluiceConfig
import SluiceControlProtocol
import SluiceCore
import Synchronization

/// The persisted throttle overrides of a node, kept in an ``OverrideFile`` that survives
/// restarts. The node hands them to the engine as data (``throttles``), which layers them over the
/// configuration, so `show settings` lists them with a `(persisted)` origin.
public final class PersistedOverrides: Sendable {
    /// The file's path.
    public let path: String
    private let overrides: Mutex<[PersistedOverride]>

    /// Loads the file at `path`; a missing file is an empty set.
    ///
    /// - Throws: ``ControlError`` naming `file:line` when the file is malformed (nothing is lost:
    ///   the file is left as it is).
    public init(path: String) throws(ControlError) {
        self.path = path
        var loaded: [PersistedOverride] = []
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ControlError(.internal, "cannot read override file \(path): \(error.localizedDescription)")
            }
            loaded = try OverrideFile.parse(text, file: path)
        }
        overrides = Mutex(loaded)
    }

    /// Re-reads the file (after an operator edited it); a missing file is an empty set.
    ///
    /// - Throws: ``ControlError`` naming `file:line` when the file is malformed; the overrides
    ///   read before stay in force.
    public func reload() throws(ControlError) {
        var loaded: [PersistedOverride] = []
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ControlError(.internal, "cannot read override file \(path): \(error.localizedDescription)")
            }
            loaded = try OverrideFile.parse(text, file: path)
        }
        overrides.withLock { $0 = loaded }
    }

    /// Every override, expired ones included, in file order.
    public var all: [PersistedOverride] { overrides.withLock { $0 } }

    /// Records `settings` for a domain or queue (replacing earlier values of the same directives)
    /// and rewrites the file.
    ///
    /// - Throws: ``ControlError`` `usage` for a vmta target, `internal` when the file cannot be written.
    public func set(_ target: ControlTarget, _ settings: [ThrottleSetting], context: CommandContext) throws(ControlError) {
        if case .vmta = target { throw ControlError(.usage, "throttles are persisted for a domain or a queue, not a vmta") }
        let meta = PersistedOverride.Meta(who: context.actor.description, why: context.reason, at: context.issuedAt,
                                          until: context.expiresAt)
        try update { list in
            for s in settings {
                list.removeAll { $0.target == target && $0.directive == s.directive }
                list.append(PersistedOverride(target: target, directive: s.directive, value: s.value, meta: meta))
            }
        }
    }

    /// Removes every override of `target` (or only `directives` of it) and rewrites the file.
    public func remove(_ target: ControlTarget, directives: [String]? = nil) throws(ControlError) {
        try update { list in
            list.removeAll { $0.target == target && (directives?.contains($0.directive) ?? true) }
        }
    }

    /// Removes the overrides that lapsed by `now` and rewrites the file when any did.
    public func purgeExpired(now: Double) throws(ControlError) {
        guard all.contains(where: { ($0.meta.until ?? .infinity) <= now }) else { return }
        try update { list in list.removeAll { ($0.meta.until ?? .infinity) <= now } }
    }

    /// The overrides as the engine takes them (``SluiceCore/DeliveryEngine/setPersistedThrottles(_:now:)``),
    /// in file order, expired ones included (the engine leaves those out).
    public var throttles: [PersistedThrottle] {
        all.compactMap { o in
            if case .vmta = o.target { return nil }
            guard let location = o.location else { return nil }
            return PersistedThrottle(target: o.target, directive: o.directive, value: o.value, location: location,
                                     expiresAt: o.meta.until.map { Instant(milliseconds: Int64(($0 * 1000).rounded())) })
        }
    }

    private func update(_ change: (inout [PersistedOverride]) -> Void) throws(ControlError) {
        let result: Result<Void, ControlError> = overrides.withLock { list in
            var next = list
            change(&next)
            let text = OverrideFile.render(next)
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                // Re-read so every override carries its line in the file as its origin.
                list = try OverrideFile.parse(text, file: path)
                return .success(())
            } catch let error as ControlError {
                return .failure(error)
            } catch {
                return .failure(ControlError(.internal, "cannot write override file \(path): \(error.localizedDescription)"))
            }
        }
        try result.get()
    }
}
