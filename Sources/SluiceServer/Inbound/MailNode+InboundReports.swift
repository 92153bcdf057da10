import SluiceAccounting
import SluiceControlProtocol
import SluiceCore

extension MailNode {
    /// Writes the records of a processed inbound report (``InboundReportProcessor``) and publishes
    /// its events (which also feed the complaint rates and the Detail view's recent reports).
    func recordInboundReport(_ written: [AccountingRecord], _ published: [EventRecord]) {
        let now = self.now
        for record in written { _ = records.perform(.writeAccounting(record), now: now) }
        for event in published {
            core.recent.append(event)
            _ = records.perform(.publishEvent(event), now: now)
        }
    }
}
