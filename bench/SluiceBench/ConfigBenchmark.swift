import Foundation
import SluiceConfig

/// `SluiceBench config [DIR]`: generates a configuration with 5,000 `<domain>` blocks and 500
/// vmtas (split over include files) into DIR (a temporary directory by default, removed
/// afterwards), then times loading and checking it, and resolving effective settings.
func runConfigBenchmark(_ arguments: [String]) throws {
    let keep = arguments.first
    let dir = keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("sluice-bench-config-\(getpid())")
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("domains.d"),
                                            withIntermediateDirectories: true)
    defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
    let main = try GeneratedConfig.write(to: dir, domains: 5_000, vmtas: 500)

    var loads: [Double] = []
    var result = ConfigLoader.load(path: main)
    for _ in 0..<10 {
        let start = DispatchTime.now().uptimeNanoseconds
        result = ConfigLoader.load(path: main)
        loads.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    guard !result.hasErrors else {
        for d in result.errors.prefix(5) { print(d) }
        throw BenchmarkError.generatedConfigHasErrors
    }
    let model = result.model
    let queries = 100_000
    let start = DispatchTime.now().uptimeNanoseconds
    var checksum = 0
    for i in 0..<queries {
        let settings = model.effectiveSettings(domain: "sub.d\(i % 5_000).example", vmta: "vmta\(i % 500)")
        checksum &+= settings.maxSmtpOut.value
    }
    let perQuery = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(queries)
    loads.sort()
    let lines = (try? String(contentsOfFile: main, encoding: .utf8))?.count ?? 0
    print("config: \(main) (+ 10 include files), 5000 <domain> blocks, 500 vmtas, \(lines) chars in main file")
    print(String(format: "config: load+check median %.1f ms, min %.1f ms, max %.1f ms (10 runs), %d diagnostics",
                 loads[loads.count / 2], loads[0], loads[loads.count - 1], result.diagnostics.count))
    print(String(format: "config: effectiveSettings %.2f µs per query (%d queries, checksum %d)",
                 perQuery / 1000, queries, checksum))
}

enum BenchmarkError: Error {
    case generatedConfigHasErrors
}

/// A large, realistic configuration for the benchmark.
enum GeneratedConfig {
    /// Writes `main.conf` and `domains.d/*.conf` into `dir`; returns the main file's path.
    static func write(to dir: URL, domains: Int, vmtas: Int) throws -> String {
        var text = """
            host-name bench.example.com
            control-socket /tmp/sluice-bench.sock
            http-mgmt-port 127.0.0.1:8080
            http-access 127.0.0.1 admin
            smtp-listener 127.0.0.1:2525
            <source 127.0.0.1>
                always-allow-relaying yes
                default-virtual-mta pool0
            </source>
            <smtp-pattern-list backoff-errors>
                reply /421 4\\.7\\.0/ mode=backoff
                reply /^4\\d\\d .*TS0[1-3]/ mode=backoff
            </smtp-pattern-list>
            <domain *>
                max-msg-per-connection 100
                retry-after 10m,20m,1h
                smtp-pattern-list backoff-errors
            </domain>

            """
        for v in 0..<vmtas {
            text += "<virtual-mta vmta\(v)>\n"
            text += "    smtp-source-host 127.0.\(v / 250 + 1).\(v % 250 + 1) mta\(v).example.com\n"
            if v % 10 == 0 {
                text += "    <domain d\(v).example>\n        max-smtp-out 2\n        max-msg-rate 10/s\n    </domain>\n"
            }
            text += "</virtual-mta>\n"
        }
        for p in 0..<10 {
            text += "<virtual-mta-pool pool\(p)>\n"
            for v in stride(from: p, to: vmtas, by: 10) { text += "    virtual-mta vmta\(v)\n" }
            text += "</virtual-mta-pool>\n"
        }
        text += "include domains.d/*.conf\n"
        let perFile = (domains + 9) / 10
        for f in 0..<10 {
            var part = "# generated: domains \(f * perFile) to \((f + 1) * perFile - 1)\n"
            for d in (f * perFile)..<min(domains, (f + 1) * perFile) {
                let pattern = d % 3 == 0 ? "[*.]d\(d).example" : "d\(d).example"
                part += """
                    <domain \(pattern)>   # destination \(d)
                        max-smtp-out \(d % 20 + 1)
                        max-msg-rate \(d % 90 + 10)/s
                        max-msg-per-hour \(d * 10 + 1000)
                        retry-after 5m,30m,2h
                        backoff-max-msg-rate 83/10m
                        use-starttls yes
                    </domain>

                    """
            }
            try part.write(to: dir.appendingPathComponent("domains.d/part\(f).conf"), atomically: true, encoding: .utf8)
        }
        let main = dir.appendingPathComponent("main.conf")
        try text.write(to: main, atomically: true, encoding: .utf8)
        return main.path
    }
}
