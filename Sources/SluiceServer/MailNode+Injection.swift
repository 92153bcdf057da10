import SluiceSMTP

extension MailNode {
    /// Takes a message as the SMTP listeners take one after its end of data — the virtual MTA
    /// chosen (a pool's turn advances), the message stored in the spool, then queued — without a
    /// socket, for a simulation injecting in process. `message.virtualMTA` stands for what
    /// `X-Virtual-MTA` or the source's `default-virtual-mta` chooses on a listener.
    public func receive(_ message: ReceivedMessage) async -> ReceiveResult {
        await NodeReceiver(node: self, spool: spool, configuration: core.configuration, log: options.log).receive(message)
    }
}
