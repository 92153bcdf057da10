import SluiceBase
import Testing
@testable import SluiceSpool

@Suite("Record format")
struct FormatTests {
    @Test("CRC-32C matches the standard check value")
    func crcCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // Slice-by-8 and the byte loop agree across lengths and alignments.
        let data = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in [1, 7, 8, 9, 31, 64, 99] {
            let whole = CRC32C.checksum(data[0..<length])
            let split = Array(data[0..<length]).withUnsafeBytes { raw in
                CRC32C.update(CRC32C.update(0, UnsafeRawBufferPointer(rebasing: raw[0..<(length / 2)])),
                              UnsafeRawBufferPointer(rebasing: raw[(length / 2)...]))
            }
            #expect(whole == split)
        }
    }

    @Test("The processor's CRC-32C instruction and the tables agree at every length and alignment",
          .enabled(if: CRC32C.hardware, "this processor has no CRC-32C instruction (SSE4.2): the tables are used alone"))
    func crcHardwareMatchesTables() {
        let data = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        data.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in [0, 1, 3, 7, 8, 9, 15, 16, 17, 64, 255, 291 - start] {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    #expect(CRC32C.update(0x1234_5678, slice) == CRC32C.softwareUpdate(0x1234_5678, slice), "\(start) \(length)")
                }
            }
        }
        #expect(CRC32C.update(0, UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
    }

    @Test("A framed record probes intact; every single-byte corruption is detected")
    func frameProbe() {
        let record = RecordFrame.frame(.progress, payload: [1, 2, 3, 4, 5])
        record.withUnsafeBytes { raw in
            #expect(RecordFrame.probe(raw, at: 0) == .record(type: RecordType.progress.rawValue, payload: 16..<21))
            #expect(RecordFrame.probe(UnsafeRawBufferPointer(rebasing: raw[0..<19]), at: 0) == .truncated(needed: 21, available: 19))
        }
        for i in 4..<record.count {
            var damaged = record
            damaged[i] ^= 0x40
            damaged.withUnsafeBytes { raw in
                if case .record = RecordFrame.probe(raw, at: 0) { Issue.record("flip at \(i) went unnoticed") }
            }
        }
    }

    @Test("A message record round-trips envelope, DSN parameters, state and content")
    func messageRoundTrip() throws {
        let env = envelope(recipients: 3, job: "job-7")
        let states = [RecipientState(done: true, attempts: 2, nextAttempt: nil),
                      RecipientState(done: false, attempts: 1, nextAttempt: 99_000),
                      RecipientState()]
        let body = content(1)
        let framed = body.withUnsafeBytes { MessageRecord.encode(id: MessageID(42), envelope: env, states: states, content: $0) }
        try framed.withUnsafeBytes { raw in
            guard case let .record(_, payload) = RecordFrame.probe(raw, at: 0) else {
                Issue.record("not intact")
                return
            }
            let payloadBytes = UnsafeRawBufferPointer(rebasing: raw[payload])
            let decoded = try MessageRecord(decoding: payloadBytes)
            #expect(decoded.id == MessageID(42))
            #expect(decoded.envelope == env)
            #expect(decoded.states == states)
            #expect(Array(payloadBytes[decoded.contentRange]) == body)
        }
    }

    @Test("The VERP and suppress-local-dsn flags round-trip; a record without them reads as before")
    func messageFlags() throws {
        for (verp, suppress) in [(false, false), (true, false), (false, true), (true, true)] {
            var env = envelope(recipients: 2)
            env.verp = verp
            env.suppressDSN = suppress
            let framed = content(2).withUnsafeBytes {
                MessageRecord.encode(id: MessageID(7), envelope: env, states: [RecipientState(), RecipientState()], content: $0)
            }
            try framed.withUnsafeBytes { raw in
                guard case let .record(_, payload) = RecordFrame.probe(raw, at: 0) else { Issue.record("not intact"); return }
                let decoded = try MessageRecord(decoding: UnsafeRawBufferPointer(rebasing: raw[payload]))
                #expect(decoded.envelope.verp == verp && decoded.envelope.suppressDSN == suppress)
                #expect(decoded.envelope.recipients.count == 2)
            }
        }
    }

    @Test("Truncated payloads are rejected with an error, never a trap")
    func malformedPayloads() {
        let framed = content(2).withUnsafeBytes {
            MessageRecord.encode(id: MessageID(1), envelope: envelope(recipients: 2), states: [RecipientState(), RecipientState()], content: $0)
        }
        let payload = Array(framed[RecordFrame.headerSize...])
        for cut in stride(from: 0, to: payload.count, by: 7) {
            let short = Array(payload[0..<cut])
            _ = short.withUnsafeBytes { raw in
                #expect(throws: ByteReader.Malformed.self) { _ = try MessageRecord(decoding: raw) }
            }
        }
        let progress = ProgressRecord.encode([RecipientProgress(message: MessageID(3), recipient: 1, outcome: .deferred(nextAttempt: Instant(milliseconds: 7)), attempts: 2)])
        _ = Array(progress[RecordFrame.headerSize...].dropLast()).withUnsafeBytes { raw in
            #expect(throws: ByteReader.Malformed.self) { _ = try ProgressRecord.decode(raw) }
        }
    }
}
