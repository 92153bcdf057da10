/// A name used in one block that another block must define, checked after the whole file is read
/// (blocks may be defined in any order).
struct Reference {
    /// What kind of block the name must refer to.
    enum Kind {
        /// A `<virtual-mta>` (pool members).
        case virtualMTA
        /// A `<virtual-mta>` or a `<virtual-mta-pool>`.
        case virtualMTAOrPool
        /// An `<smtp-pattern-list>`.
        case smtpPatternList
        /// A `<pattern-list>`.
        case patternList
        /// A `<source {name}>`.
        case namedSource
        /// A `<source-group>`.
        case sourceGroup
        /// A `<rewrite-list>`.
        case rewriteList
        /// A `<warmup-schedule>`.
        case warmupSchedule
    }

    var kind: Kind
    var name: String
    var location: SourceLocation
    /// Where the name is used, for the message, e.g. "pool 'warm'".
    var context: String
}

extension ModelBuilder {
    /// Reports every reference to a block that does not exist.
    mutating func checkReferences() {
        let vmtas = Array(model.virtualMTAs.keys)
        let pools = Array(model.pools.keys)
        let namedSources = model.sources.compactMap { source -> String? in
            if case .named(let name) = source.match { return name }
            return nil
        }
        for reference in references {
            let (candidates, what): ([String], String)
            switch reference.kind {
            case .virtualMTA: (candidates, what) = (vmtas, "virtual-mta")
            case .virtualMTAOrPool: (candidates, what) = (vmtas + pools, "virtual-mta or virtual-mta-pool")
            case .smtpPatternList: (candidates, what) = (Array(model.smtpPatternLists.keys), "smtp-pattern-list")
            case .patternList: (candidates, what) = (Array(model.patternLists.keys), "pattern-list")
            case .namedSource: (candidates, what) = (namedSources, "<source {name}>")
            case .sourceGroup: (candidates, what) = (Array(model.sourceGroups.keys), "<source-group>")
            case .rewriteList: (candidates, what) = (Array(model.rewriteLists.keys), "<rewrite-list>")
            case .warmupSchedule: (candidates, what) = (Array(model.warmupSchedules.keys), "<warmup-schedule>")
            }
            guard !candidates.contains(reference.name) else { continue }
            var message = "\(reference.context) names an undefined \(what) '\(reference.name)'"
            if let near = nearestName(to: reference.name, among: candidates) { message += "; did you mean '\(near)'?" }
            error(reference.location, message)
        }
    }
}
