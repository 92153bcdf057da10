import SluiceConfig
import SluiceCore
@testable import SluiceServer
import SluiceSMTP
import Testing

/// Pure mapping from the configuration to injection policies and delivery connection plans.
@Suite("Policies from the configuration")
struct SourcePolicyTests {
    let configuration: ConfigModel

    init() throws {
        configuration = try loadConfiguration("""
        spool /tmp/unused
        <source 127.0.0.0/8>
            always-allow-relaying yes
            max-message-size 1M
        </source>
        <source 127.0.0.9>
            smtp-service no
        </source>
        <source 0/0>
            default-virtual-mta v1
            max-message-size 10M
        </source>
        <virtual-mta v1>
            smtp-source-host 127.0.0.5 out.example.test
        </virtual-mta>
        <domain secure.test>
            require-starttls yes
            route [127.0.0.1]:2600
        </domain>
        <domain plain.test>
            use-starttls no
        </domain>
        """)
    }

    @Test("the most specific <source> decides the switches; the default vmta and size fall back to broader blocks")
    func cascading() throws {
        let policies = ConfigSourcePolicies(configuration: configuration)
        let loopback = policies.policy(for: try #require(IPAddress("127.0.0.1")))
        #expect(loopback.allowRelaying)
        #expect(loopback.defaultVirtualMTA == "v1")
        #expect(loopback.maxMessageSize == 1 << 20)
        let refused = policies.policy(for: try #require(IPAddress("127.0.0.9")))
        #expect(!refused.smtpService)
        #expect(!refused.allowRelaying)
        let outside = policies.policy(for: try #require(IPAddress("192.0.2.1")))
        #expect(!outside.allowRelaying)
        #expect(outside.maxMessageSize == 10 << 20)
    }

    @Test("add-received-header, hide-message-source, allow-unencrypted-plain-auth, max-rcpt-per-message and the inbound limits reach the policy, falling back to broader blocks")
    func injectionSwitches() throws {
        let config = try loadConfiguration("""
        spool /tmp/unused
        <source 0/0>
            max-rcpt-per-message 50
            hide-message-source yes
            max-smtp-in 10
        </source>
        <source 127.0.0.1>
            add-received-header no
            allow-unencrypted-plain-auth yes
            max-smtp-in-rate 20/s
        </source>
        """)
        let policies = ConfigSourcePolicies(configuration: config)
        let loopback = policies.policy(for: try #require(IPAddress("127.0.0.1")))
        #expect(!loopback.addReceivedHeader && loopback.allowUnencryptedAuth && loopback.hideMessageSource)
        #expect(loopback.maxRecipients == 50 && loopback.maxConnections == 10)
        #expect(loopback.connectionRate == .limited(count: 20, per: .seconds(1)))
        let outside = policies.policy(for: try #require(IPAddress("192.0.2.1")))
        #expect(outside.addReceivedHeader && !outside.allowUnencryptedAuth && outside.connectionRate == nil)
    }

    @Test("relay-domain: mail for those domains is accepted from any client, other domains still need relaying rights")
    func relayDomains() throws {
        let config = try loadConfiguration("""
        spool /tmp/unused
        relay-domain Bounces.Example.com
        relay-domain fbl.example.com
        <source 10.0.0.0/8>
            smtp-service yes
        </source>
        """)
        let policies = ConfigSourcePolicies(configuration: config)
        for client in ["10.1.2.3", "192.0.2.1"] {
            let policy = policies.policy(for: try #require(IPAddress(client)))
            #expect(policy.mayAccept(recipient: "b+123@bounces.example.com", authenticated: false), "\(client)")
            #expect(policy.mayAccept(recipient: "x@fbl.example.com", authenticated: false))
            #expect(!policy.mayAccept(recipient: "victim@elsewhere.example", authenticated: false))
        }
    }

    @Test("allow-starttls and require-starttls-before-auth reach the policy, falling back to broader blocks; STARTTLS is allowed and AUTH needs TLS by default")
    func startTLSSwitches() throws {
        let config = try loadConfiguration("""
        spool /tmp/unused
        <source 0/0>
            allow-starttls no
        </source>
        <source 10.0.0.0/8>
            require-starttls-before-auth no
        </source>
        <source 10.1.0.0/16>
            allow-starttls yes
            require-starttls-before-auth yes
        </source>
        """)
        let policies = ConfigSourcePolicies(configuration: config)
        let outside = policies.policy(for: try #require(IPAddress("192.0.2.1")))
        #expect(!outside.allowStartTLS && !outside.allowUnencryptedAuth)
        let ten = policies.policy(for: try #require(IPAddress("10.9.9.9")))
        #expect(!ten.allowStartTLS && ten.allowUnencryptedAuth)
        let narrow = policies.policy(for: try #require(IPAddress("10.1.2.3")))
        #expect(narrow.allowStartTLS && !narrow.allowUnencryptedAuth)
        let defaults = ConfigSourcePolicies(configuration: try loadConfiguration("spool /tmp/unused\n"))
            .policy(for: try #require(IPAddress("192.0.2.1")))
        #expect(defaults.allowStartTLS && !defaults.allowUnencryptedAuth)
    }

    @Test("after AUTH an <smtp-user> gets its <source {name}>'s policy (relaying included); the connection limits stay the address's; AUTH alone does not relay")
    func authenticatedUserPolicy() throws {
        let config = try loadConfiguration("""
        spool /tmp/unused
        <source 0/0>
            default-virtual-mta v1
            max-smtp-in 7
            max-message-size 2M
        </source>
        <source {auth}>
            always-allow-relaying yes
            max-smtp-in 99
        </source>
        <smtp-user app>
            password s3cret
            source {auth}
        </smtp-user>
        <smtp-user plain>
            password x
        </smtp-user>
        <virtual-mta v1>
            smtp-source-host 127.0.0.5 out.example.test
        </virtual-mta>
        """)
        let policies = ConfigSourcePolicies(configuration: config)
        let client = try #require(IPAddress("192.0.2.1"))
        let connection = policies.policy(for: client)
        #expect(!connection.allowRelaying)
        #expect(!connection.mayAccept(recipient: "x@foreign.example", authenticated: true))
        let app = try #require(policies.policy(authenticatedUser: "app", clientAddress: client))
        #expect(app.allowRelaying)
        #expect(app.mayAccept(recipient: "x@foreign.example", authenticated: true))
        #expect(app.defaultVirtualMTA == "v1" && app.maxMessageSize == 2 << 20)
        #expect(app.maxConnections == 7)
        #expect(policies.policy(authenticatedUser: "plain", clientAddress: client) == nil)
        #expect(policies.policy(authenticatedUser: "nobody", clientAddress: client) == nil)
    }

    @Test("a connection plan binds the vmta's address and name and follows the STARTTLS settings and routes")
    func plans() {
        let vmta = configuration.virtualMTAs["v1"]
        let secure = ConnectionPlan(key: QueueKey(domain: "secure.test", vmta: "v1"),
                                    settings: configuration.settings(for: QueueKey(domain: "secure.test", vmta: "v1")),
                                    vmta: vmta, hostName: "node.test")
        #expect(secure.client.tlsPolicy == .required)
        #expect(secure.client.sourceAddress == "127.0.0.5")
        #expect(secure.client.heloName == "out.example.test")
        #expect(secure.hosts.map(\.description) == ["[127.0.0.1]:2600"])
        let plain = ConnectionPlan(key: QueueKey(domain: "plain.test", vmta: "default"),
                                   settings: configuration.settings(for: QueueKey(domain: "plain.test", vmta: "default")),
                                   vmta: nil, hostName: "node.test")
        #expect(plain.client.tlsPolicy == .never)
        #expect(plain.client.sourceAddress == nil)
        #expect(plain.client.heloName == "node.test")
        #expect(plain.hosts.isEmpty)
    }

    @Test("source-group: every address of the sources naming a group gets the group and its max-smtp-in; reserved-smtp-in goes to the gate's limits")
    func sourceGroups() throws {
        let configuration = try loadConfiguration("""
        spool /tmp/unused
        <source-group bulk>
            max-smtp-in 10
            reserved-smtp-in 4
        </source-group>
        <source 192.0.2.0/24>
            source-group bulk
        </source>
        <source 198.51.100.0/24>
            source-group bulk
        </source>
        <source 192.0.2.9>
            max-smtp-in 2
        </source>
        """)
        let policies = ConfigSourcePolicies(configuration: configuration)
        let group = SourcePolicy.ConnectionGroup(name: "bulk", maxConnections: 10)
        #expect(policies.policy(for: try #require(IPAddress("192.0.2.1"))).connectionGroup == group)
        #expect(policies.policy(for: try #require(IPAddress("198.51.100.3"))).connectionGroup == group)
        // A more specific block without source-group keeps the group of the broader one.
        let specific = policies.policy(for: try #require(IPAddress("192.0.2.9")))
        #expect(specific.connectionGroup == group)
        #expect(specific.maxConnections == 2)
        #expect(policies.policy(for: try #require(IPAddress("203.0.113.1"))).connectionGroup == nil)
        #expect(ConfigSourcePolicies.reservedConnections(configuration) == ["bulk": 4])
    }

    @Test("rewrite-list: the list of the most specific block naming one rewrites the source's messages")
    func rewriteLists() throws {
        let configuration = try loadConfiguration("""
        spool /tmp/unused
        <rewrite-list brands>
            mail-from *@old.example *@new.example
            header-from *@old.example *@new.example
        </rewrite-list>
        <rewrite-list other>
            mail-from *@old.example bounces@other.example
        </rewrite-list>
        <source 0/0>
            rewrite-list brands
        </source>
        <source 192.0.2.0/24>
            rewrite-list other
        </source>
        <source 192.0.2.9>
            max-smtp-in 2
        </source>
        """)
        let policies = ConfigSourcePolicies(configuration: configuration)
        let anyone = policies.policy(for: try #require(IPAddress("203.0.113.1"))).rewriting
        #expect(anyone.sender("a@old.example") == "a@new.example")
        #expect(anyone.headerFrom("<a@old.example>") == "<a@new.example>")
        let specific = policies.policy(for: try #require(IPAddress("192.0.2.9"))).rewriting
        #expect(specific.sender("a@old.example") == "bounces@other.example")
        #expect(specific.headerFrom("<a@old.example>") == nil)
    }
}
