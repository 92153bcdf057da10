import Foundation
import Testing

/// Checks that keep the documents about the repository true to it.
@Suite("Repository documents")
struct RepositoryTests {
    /// Package.swift's targets and the package targets each depends on.
    static func packageGraph() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        // Each target declaration up to the next one: `.target(name: "X", dependencies: [...` etc.
        // Test targets end the previous declaration but are not modules of the graph.
        let pattern = try Regex(#"\.(target|executableTarget|systemLibrary|testTarget)\(\s*name:\s*"([^"]+)""#)
        let matches = manifest.matches(of: pattern)
        let modules = matches.filter { $0.output[1].substring != "testTarget" }
        let names = Set(modules.compactMap { $0.output[2].substring.map(String.init) })
        var graph: [String: Set<String>] = [:]
        for (i, match) in matches.enumerated() {
            guard match.output[1].substring != "testTarget",
                  let name = match.output[2].substring.map(String.init) else { continue }
            let end = i + 1 < matches.count ? matches[i + 1].range.lowerBound : manifest.endIndex
            let body = manifest[match.range.upperBound..<end]
            let quoted = body.matches(of: try Regex(#""([A-Za-z]+)""#)).compactMap { $0.output[1].substring.map(String.init) }
            graph[name] = Set(quoted.filter { names.contains($0) && $0 != name })
        }
        return graph
    }

    /// docs/ARCHITECTURE.md's module list: module → the dependencies it names.
    static func documentedGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let list = try #require(text.components(separatedBy: "<!-- module-graph -->").dropFirst().first?
            .components(separatedBy: "<!-- /module-graph -->").first)
        var graph: [String: Set<String>] = [:]
        for line in list.split(separator: "\n") where line.hasPrefix("- `") {
            let afterName = line.dropFirst(3)
            guard let close = afterName.firstIndex(of: "`") else { continue }
            let name = String(afterName[..<close])
            let rest = afterName[afterName.index(after: close)...].dropFirst(2)
            let deps = rest.prefix { $0 != "." }
            graph[name] = deps == "(none)" ? [] : Set(deps.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return graph
    }

    @Test("docs/ARCHITECTURE.md lists every module of Package.swift with exactly its dependencies")
    func moduleGraphMatchesPackage() throws {
        let package = try Self.packageGraph()
        let documented = try Self.documentedGraph()
        #expect(package.count > 10)
        #expect(Set(documented.keys) == Set(package.keys))
        for (name, dependencies) in package {
            #expect(documented[name] == dependencies, "\(name)")
        }
    }
}
