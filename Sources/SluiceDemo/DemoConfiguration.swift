import SluiceConfig
import SluiceSandbox

/// The demo's MTA configuration: a real config text in Sluice's PowerMTA dialect, parsed by
/// ``SluiceConfig/ConfigLoader`` like any operator's file.
///
/// Three vmtas on 127.0.0.10–12 form `demo-pool`; each ISP's `<domain>` block routes to the
/// sandbox receiver playing it and carries throttles above the sandbox's per-IP limits, so the
/// providers push back: Gmail's 421 4.7.0, Yahoo's TSS04 and Microsoft's 451 4.7.650 match the
/// backoff pattern list, the queue enters backoff and returns to normal 20 s later. Retries are
/// seconds apart so that they show within a minute, and the bounce categories name Gmail's
/// "does not exist" and Microsoft's "mailbox unavailable" bad-mailbox.
public struct DemoConfiguration: Hashable, Sendable {
    /// The sending identities: vmta name and source address.
    public static let virtualMTAs: [(name: String, address: String)] = [
        ("vmta1", "127.0.0.10"), ("vmta2", "127.0.0.11"), ("vmta3", "127.0.0.12"),
    ]
    /// The pool the generator names in X-Virtual-MTA.
    public static let poolName = "demo-pool"

    /// Where each sandbox profile's receiver listens on 127.0.0.1 (`gmail`, `yahoo`, `outlook`,
    /// `generic`).
    public var receiverPorts: [String: Int]
    /// The spool directory.
    public var spoolDirectory: String
    /// The accounting CSV.
    public var accountingFile: String
    /// The control socket.
    public var controlSocket: String
    /// The port of the sandbox's DNS blocklist on 127.0.0.1 (``SluiceSandboxServer/SandboxDNSServer``),
    /// the node's `dns-server`; with it the configuration has a `<blocklist-watch>` on
    /// ``blocklistZone`` (nil in a simulated run, which has no sockets).
    public var dnsServerPort: Int?

    /// Creates the configuration for receivers on `receiverPorts`.
    public init(receiverPorts: [String: Int], spoolDirectory: String, accountingFile: String, controlSocket: String,
                dnsServerPort: Int? = nil) {
        self.receiverPorts = receiverPorts
        self.dnsServerPort = dnsServerPort
        self.spoolDirectory = spoolDirectory
        self.accountingFile = accountingFile
        self.controlSocket = controlSocket
    }

    /// The sandbox's DNS blocklist zone the demo's `<blocklist-watch>` queries.
    public static let blocklistZone = "dnsbl.sandbox.test"
    /// The vmta the sandbox's blocklist lists part-way through a run.
    public static let listedVirtualMTA = (name: "vmta3", address: "127.0.0.12")
    /// The vmta Gmail starts deferring part-way (`421 4.7.28`, an unusual rate from its IP).
    public static let deferredVirtualMTA = (name: "vmta2", address: "127.0.0.11")

    /// `dns-server` and the `<blocklist-watch>` (every 5 s, pausing a listed vmta) when the run
    /// has the sandbox's DNS blocklist.
    private var blocklistWatch: String {
        guard let dnsServerPort else { return "" }
        return """
            dns-server 127.0.0.1:\(dnsServerPort)          # the sandbox's DNS blocklist, in process

            <blocklist-watch>                           # vmta3 gets listed part-way: paused within 5 s
                zone \(Self.blocklistZone) action=pause
                interval 5s
            </blocklist-watch>
            """
    }

    /// The profiles the demo runs a receiver for.
    public static let profiles = ["gmail", "yahoo", "outlook", "generic"]

    /// `route [127.0.0.1]:PORT` to the receiver of `profile`.
    private func route(_ profile: String) -> String {
        "route [127.0.0.1]:\(receiverPorts[profile] ?? 25)"
    }

    /// The configuration text.
    public var text: String {
        let vmtas = Self.virtualMTAs.map { vmta in
            """
            <virtual-mta \(vmta.name)>
                smtp-source-host \(vmta.address) \(vmta.name).demo.sluice.test
            </virtual-mta>
            """
        }.joined(separator: "\n")
        let members = Self.virtualMTAs.map { "    virtual-mta \($0.name)" }.joined(separator: "\n")
        return """
        # Sluice's demo: an MTA sending to simulated providers on loopback (sluice demo).
        # Every delivery goes to a sandbox receiver on 127.0.0.1; the demo refuses any other
        # destination.

        host-name      demo.sluice.test
        postmaster     postmaster@news.sluice.test
        control-socket \(controlSocket)

        <source 127.0.0.1>                      # the traffic generator
            always-allow-relaying yes
            process-x-virtual-mta yes
            default-virtual-mta \(Self.poolName)
            max-message-size 50M
        </source>

        <source 0/0>
            always-allow-relaying no
        </source>

        \(blocklistWatch)

        <spool \(spoolDirectory)>
        </spool>

        \(vmtas)

        <virtual-mta-pool \(Self.poolName)>
        \(members)
        </virtual-mta-pool>

        # Providers' "slow down" replies put the queue in backoff.
        <smtp-pattern-list provider-backoff>
            reply /421 4\\.7\\.0/ mode=backoff          # Gmail's rate limit, Yahoo's TSS04
            reply /TSS04/ mode=backoff                 # Yahoo's deferral storm
            reply /4\\.7\\.650/ mode=backoff            # Microsoft's IP-reputation rate limit
        </smtp-pattern-list>

        <bounce-category-patterns>
            /does not exist/i                           bad-mailbox
            /mailbox unavailable/i                      bad-mailbox
            /user unknown/i                             bad-mailbox
            /doesn't have a \\S+ account/i              bad-mailbox
            /out of storage|over quota|storage allocation|mailbox full/i   quota-issues
            /policy reasons/i                           policy-related
            /spam|unsolicited/i                         spam-related
            /^5\\.1\\.[12]/                               bad-mailbox
            /^5\\.2\\.2/                                 quota-issues
            /^5\\.7\\./                                  policy-related
        </bounce-category-patterns>

        <domain *>                                  # anything else: the generic receiver
            \(route("generic"))
            use-starttls no
            max-smtp-out 4
            max-msg-per-connection 50
            idle-timeout 5s
            retry-after 5s,10s,20s,40s
            bounce-after 10m
            smtp-pattern-list provider-backoff
            backoff-retry-after 10s
            backoff-to-normal-after 20s
            backoff-max-msg-rate 2/s
            backoff-max-smtp-out 1
        </domain>

        <domain gmail.com>                          # the sandbox allows 20 msg/s per source IP
            \(route("gmail"))
            max-msg-rate 40/s
            max-smtp-out 4
            backoff-max-msg-rate 15/s                # under the limit: deliveries go on, slower
        </domain>

        <domain yahoo.com>                          # 15 msg/s per source IP; TSS04 storm 10-40 s in
            \(route("yahoo"))
            max-msg-rate 30/s
            max-smtp-out 4
            max-msg-per-connection 20               # new connections meet the storm's greeting
            backoff-max-msg-rate 10/s
        </domain>

        <domain outlook.com>                        # 10 msg/s per source IP, 451 4.7.650
            \(route("outlook"))
            max-msg-rate 20/s
            max-smtp-out 3
            backoff-max-msg-rate 4/s
        </domain>

        <domain hotmail.com>                        # the same Microsoft receiver
            \(route("outlook"))
            max-msg-rate 20/s
            max-smtp-out 3
            backoff-max-msg-rate 4/s
        </domain>

        <acct-file \(accountingFile)>
            records d,b,t
        </acct-file>

        """
    }

    /// Parses ``text``.
    public func load() -> ConfigLoadResult {
        ConfigLoader.load(text: text, fileName: "demo.conf")
    }
}
