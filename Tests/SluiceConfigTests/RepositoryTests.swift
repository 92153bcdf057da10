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
            let quoted = body.matches(of: try Regex(#""([A-Za-z0-9]+)""#)).compactMap { $0.output[1].substring.map(String.init) }
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

    @Test("the console and the sluice CLI depend on the control plane's protocol and client halves, never on its server half")
    func frontEndsDoNotLinkTheControlServer() throws {
        let package = try Self.packageGraph()
        for module in ["SluiceConsole", "sluice"] {
            let dependencies = try #require(package[module], "\(module)")
            #expect(dependencies.contains("SluiceControlProtocol"), "\(module)")
            #expect(!dependencies.contains("SluiceControlServer"), "\(module) names SluiceControlServer in Package.swift")
            let directory = repositoryRoot.appendingPathComponent("Sources/\(module)")
            guard let files = FileManager.default.enumerator(atPath: directory.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.contains("import SluiceControlServer"), "\(module)/\(file) imports SluiceControlServer")
            }
        }
        #expect(package["SluiceControlClient"]?.contains("SluiceControlServer") == false)
        #expect(package["SluiceControlProtocol"].map { !$0.contains("SluiceControlServer") && !$0.contains("SluiceControlClient") } == true)
    }

    /// Each module under Sources/ → the public type names it declares at top level (a line that
    /// starts, unindented, with `public [final|indirect] struct|class|enum|actor|protocol|typealias NAME`).
    static func publicTypeNames() throws -> [String: Set<String>] {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let declaration = try Regex(#"^public\s+(?:(?:final|indirect)\s+)*(?:struct|class|enum|actor|protocol|typealias)\s+([A-Za-z_][A-Za-z0-9_]*)"#)
        var names: [String: Set<String>] = [:]
        let modules = try FileManager.default.contentsOfDirectory(atPath: sources.path)
        for module in modules {
            let directory = sources.appendingPathComponent(module)
            guard let files = FileManager.default.enumerator(atPath: directory.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                    guard let match = line.prefixMatch(of: declaration), let name = match.output[1].substring else { continue }
                    names[module, default: []].insert(String(name))
                }
            }
        }
        return names
    }

    @Test("no public type name is declared in two modules")
    func publicTypeNamesAreUnique() throws {
        let names = try Self.publicTypeNames()
        #expect(names.count > 10)
        #expect(names["SluiceBase"]?.contains("SMTPReply") == true, "the scan finds top-level declarations")
        var owners: [String: [String]] = [:]
        for (module, declared) in names {
            for name in declared { owners[name, default: []].append(module) }
        }
        let duplicates = owners.filter { $0.value.count > 1 }.map { "\($0.key): \($0.value.sorted().joined(separator: ", "))" }.sorted()
        #expect(duplicates.isEmpty, "declared in more than one module: \(duplicates.joined(separator: "; "))")
    }

    /// The one file of Sources/ that may read the system time or sleep on it.
    static let wallTimeSource = "SluiceBase/Time/WallClock.swift"

    /// Calls that read the system time or sleep in real time, which only the wall time source makes.
    static let wallTimeCalls = ["Date()", "Task.sleep", "ContinuousClock", "usleep"]

    /// `text` without its comments (`//` to the end of the line, `/* … */`), string literals kept:
    /// a `//` inside a string does not start a comment.
    static func withoutComments(_ text: String) -> String {
        var result = ""
        var chars = Array(text)[...]
        var inString = false
        while let c = chars.popFirst() {
            if inString {
                result.append(c)
                if c == "\\", let escaped = chars.popFirst() { result.append(escaped) } else if c == "\"" { inString = false }
            } else if c == "/" && chars.first == "/" {
                while let next = chars.first, next != "\n" { chars.removeFirst() }
            } else if c == "/" && chars.first == "*" {
                chars.removeFirst()
                while let next = chars.popFirst(), !(next == "*" && chars.first == "/") {}
                _ = chars.popFirst()
            } else {
                result.append(c)
                if c == "\"" { inString = true }
            }
        }
        return result
    }

    /// Each file under Sources/ (as `Module/path.swift`) whose code, comments left out, contains one
    /// of ``wallTimeCalls``, with the calls it contains.
    static func wallTimeUses() throws -> [String: [String]] {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        var uses: [String: [String]] = [:]
        guard let files = FileManager.default.enumerator(atPath: sources.path) else { return [:] }
        for case let file as String in files where file.hasSuffix(".swift") {
            let code = withoutComments(try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8))
            let found = wallTimeCalls.filter { code.contains($0) }
            if !found.isEmpty { uses[file] = found }
        }
        return uses
    }

    @Test("comments are left out of the wall-time scan, string literals are not")
    func commentStripping() {
        let code = Self.withoutComments("""
            let a = "http://x" // Date()
            /* Task.sleep
               Date() */ let b = "\\"" + "/*"
            /// Task.sleep(for:)
            let c = Date()
            """)
        #expect(code.contains("\"http://x\""))
        #expect(code.contains("\"/*\""))
        #expect(code.contains("let c = Date()"))
        #expect(!code.contains("Task.sleep"))
        #expect(code.components(separatedBy: "Date()").count == 2)
    }

    @Test("no file of Sources/ but the wall time source reads the system clocks or sleeps on them")
    func wallTimeOnlyInWallClock() throws {
        let uses = try Self.wallTimeUses()
        #expect(uses[Self.wallTimeSource] == Self.wallTimeCalls, "the scan finds the wall time source's own calls")
        let others = uses.filter { $0.key != Self.wallTimeSource }
            .map { "\($0.key) (\($0.value.joined(separator: ", ")))" }.sorted()
        #expect(others.isEmpty, "read the time or sleep through a SluiceCore.Clock instead: \(others.joined(separator: "; "))")
    }
}
