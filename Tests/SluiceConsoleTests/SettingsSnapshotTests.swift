import Foundation
import SluiceControlProtocol
import Testing

/// The fields the console added to SettingsSnapshot (history, recipients) are optional on the wire.
@Suite struct SettingsSnapshotTests {
    @Test func olderDocumentsWithoutTheNewFieldsStillDecode() throws {
        let json = #"{"queue":"gmail.com/vmta1","settings":{"max-msg-rate":{"value":"40/s","origin":"file.conf:37"}}}"#
        let s = try JSONDecoder().decode(SettingsSnapshot.self, from: Data(json.utf8))
        #expect(s.entries == [.init(name: "max-msg-rate", value: "40/s", origin: "file.conf:37")])
        #expect(s.history.isEmpty)
        #expect(s.recipients.isEmpty)
    }

    @Test func historyAndRecipientsRoundTrip() throws {
        let data = try JSONEncoder().encode(Fixture.gmailSettings)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""age_s":"#) && text.contains(#""last_reply":"#))
        #expect(try JSONDecoder().decode(SettingsSnapshot.self, from: data) == Fixture.gmailSettings)
    }
}
