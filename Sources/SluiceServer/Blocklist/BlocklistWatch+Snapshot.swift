import SluiceControlProtocol

extension BlocklistWatch {
    /// `snapshot` with each vmta row's current listings.
    func annotated(_ snapshot: NodeSnapshot) -> NodeSnapshot {
        var out = snapshot
        for i in out.vmtas.indices { out.vmtas[i].listings = listings[out.vmtas[i].name] ?? [] }
        return out
    }
}
