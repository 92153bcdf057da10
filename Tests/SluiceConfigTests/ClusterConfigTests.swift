import Testing
@testable import SluiceConfig

@Suite("<cluster> block")
struct ClusterConfigTests {
    @Test("no block: no cluster; redis and node-name with the defaults for the rest")
    func defaults() throws {
        #expect(load("spool /s\n").model.cluster == nil)
        let result = load("""
            <cluster>
                redis 127.0.0.1:6379
                node-name mta1
            </cluster>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let cluster = try #require(result.model.cluster)
        #expect(cluster.redisHost == "127.0.0.1" && cluster.redisPort == 6379 && cluster.nodeName == "mta1")
        #expect(cluster.keyPrefix == "sluice:")
        #expect(cluster.connectTimeout == .seconds(2) && cluster.commandTimeout == .seconds(1) && cluster.heartbeat == .seconds(1))
        #expect(cluster.members.isEmpty && cluster.location?.line == 1)
    }

    @Test("every directive: a host name, prefix, timeouts, members in file order (this node's own line dropped)")
    func everyDirective() throws {
        let result = load("""
            <cluster>
                redis redis.internal:6380
                node-name a
                key-prefix fleet-eu:
                connect-timeout 500ms
                command-timeout 250ms
                heartbeat 2s
                member b /run/sluice-b.sock
                member c /run/sluice-c.sock
            </cluster>
            """)
        #expect(result.diagnostics.isEmpty, "\(lines(result))")
        let cluster = try #require(result.model.cluster)
        #expect(cluster.redisHost == "redis.internal" && cluster.redisPort == 6380)
        #expect(cluster.keyPrefix == "fleet-eu:")
        #expect(cluster.connectTimeout == TimeSpan(milliseconds: 500) && cluster.commandTimeout == TimeSpan(milliseconds: 250))
        #expect(cluster.heartbeat == .seconds(2))
        #expect(cluster.members == [.init(name: "b", socketPath: "/run/sluice-b.sock"),
                                    .init(name: "c", socketPath: "/run/sluice-c.sock")])
    }

    @Test("bad values are errors at FILE:LINE:COL with a hint; missing redis and node-name are named")
    func errors() {
        let result = load("""
            <cluster>
                redis 127.0.0.1
                node-name "a b"
                key-prefix "x y"
                heartbeat 0s
                member b
                member b /run/b.sock
                member b /run/b2.sock
                membr c /run/c.sock
            </cluster>
            <cluster extra>
                redis 127.0.0.1:70000
            </cluster>
            <cluster>
            </cluster>
            """)
        let found = lines(result)
        #expect(found.contains { $0.hasPrefix("t.conf:2:11: error: invalid value for 'redis'") && $0.contains("127.0.0.1:6379") })
        #expect(found.contains { $0.hasPrefix("t.conf:3:15: error: invalid value for 'node-name'") && $0.contains("letters, digits") })
        #expect(found.contains { $0.hasPrefix("t.conf:4:16: error: invalid value for 'key-prefix'") })
        #expect(found.contains { $0.hasPrefix("t.conf:5:15: error: invalid value for 'heartbeat'") && $0.contains("10ms") })
        #expect(found.contains { $0.hasPrefix("t.conf:6:12: error: 'member' takes a node name and its control socket") })
        #expect(found.contains { $0.hasPrefix("t.conf:8:12: error: node 'b' is already named") })
        #expect(found.contains { $0.hasPrefix("t.conf:9:5: warning: unknown directive 'membr' in <cluster>; did you mean 'member'?") })
        #expect(found.contains { $0.hasPrefix("t.conf:11:1: error: only one <cluster> block is allowed; the first is at t.conf:1:1") })
        #expect(found.filter { $0.contains("only one <cluster>") }.count == 2)
        #expect(result.model.cluster == nil, "an invalid block configures no cluster")
        let missing = lines(load("<cluster>\n    key-prefix s:\n</cluster>\n"))
        #expect(missing.contains { $0.hasPrefix("t.conf:1:1: error: <cluster> needs 'redis ADDRESS:PORT'") })
        #expect(missing.contains { $0.hasPrefix("t.conf:1:1: error: <cluster> needs 'node-name NAME'") })
    }
}
