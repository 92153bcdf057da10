import SluiceControlProtocol

extension Fixture {
    /// The Gmail block that disabled vmta1's address for gmail.com.
    static let gmailBlock = "421 4.7.28 [127.0.0.10] Our system has detected an unusual rate of unsolicited mail originating from your IP address."

    /// ``snapshot`` with gmail.com/vmta1's address disabled for gmail.com by `disable-source-ip=1h`
    /// twelve minutes ago (48 minutes left).
    static let disabledSourceSnapshot: NodeSnapshot = {
        var snapshot = Fixture.snapshot
        snapshot.queues[0].disabledSources = [
            DisabledSourceRow(source: "127.0.0.10", destination: "gmail.com", since: nowS - 720, until: nowS + 2880,
                              reply: gmailBlock, patternList: "gmail-blocks"),
        ]
        return snapshot
    }()
}
