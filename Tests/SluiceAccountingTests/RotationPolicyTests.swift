import Testing
import SluiceConfig
import SluiceCore
@testable import SluiceAccounting

@Suite("Rotation policy")
struct RotationPolicyTests {
    let policy = RotationPolicy(fileName: "acct.csv", maxSize: 1000, moveInterval: .minutes(5),
                                deleteAfter: .after(.days(2)))

    @Test func rotatedNamesUsePowerMTAStampAndAvoidCollisions() {
        #expect(policy.rotatedName(at: novemberAfternoon, taken: []) == "acct-2026-11-23-1504.csv")
        #expect(policy.rotatedName(at: novemberAfternoon, taken: ["acct-2026-11-23-1504.csv"]) == "acct-2026-11-23-1504-1.csv")
        #expect(policy.rotatedName(at: novemberAfternoon, taken: ["acct-2026-11-23-1504.csv", "acct-2026-11-23-1504-1.csv"])
                == "acct-2026-11-23-1504-2.csv")
        let bare = RotationPolicy(fileName: "accounting", maxSize: nil, moveInterval: nil, deleteAfter: .never)
        #expect(bare.rotatedName(at: novemberAfternoon, taken: []) == "accounting-2026-11-23-1504")
    }

    @Test func rotatedNamesParseBackToTheirMinute() {
        let minute = Instant(milliseconds: novemberAfternoon.milliseconds / 60_000 * 60_000)
        #expect(policy.rotationTime(of: "acct-2026-11-23-1504.csv") == minute)
        #expect(policy.rotationTime(of: "acct-2026-11-23-1504-3.csv") == minute)
        for foreign in ["acct.csv", "acct-2026-11-23.csv", "acct-2026-13-23-1504.csv", "acct-2026-11-23-2460.csv",
                        "other-2026-11-23-1504.csv", "acct-2026-11-23-1504.txt", "acct-2026-11-23-15x4.csv",
                        "acct-2026-11-23-1504--1.csv"] {
            #expect(policy.rotationTime(of: foreign) == nil, "\(foreign)")
        }
    }

    @Test func intervalBoundariesAreMultiplesSinceTheEpoch() {
        #expect(policy.nextRotation(after: novemberAfternoon)
                == CivilTime.instant(year: 2026, month: 11, day: 23, hour: 15, minute: 5))
        let boundary = CivilTime.instant(year: 2026, month: 11, day: 23, hour: 15, minute: 5)
        #expect(policy.nextRotation(after: boundary) == boundary + .minutes(5))
        #expect(RotationPolicy(fileName: "a", maxSize: nil, moveInterval: nil, deleteAfter: .never)
                .nextRotation(after: boundary) == nil)
        #expect(RotationPolicy(fileName: "a", maxSize: nil, moveInterval: .seconds(0), deleteAfter: .never)
                .nextRotation(after: boundary) == nil)
    }

    @Test func sizeRotationNeedsRowsAndRoom() {
        #expect(!policy.mustRotate(size: 900, rows: 3, adding: 100))
        #expect(policy.mustRotate(size: 901, rows: 3, adding: 100))
        #expect(!policy.mustRotate(size: 300, rows: 0, adding: 5000), "an oversized first row is still written")
        #expect(!RotationPolicy(fileName: "a", maxSize: nil, moveInterval: nil, deleteAfter: .never)
                .mustRotate(size: .max / 2, rows: 9, adding: 1))
    }

    @Test func deleteAfterPicksOnlyOldRotatedFiles() {
        let now = CivilTime.instant(year: 2026, month: 11, day: 23, hour: 12, minute: 0)
        let names = ["acct.csv", "acct-2026-11-21-1159.csv", "acct-2026-11-21-1200.csv", "acct-2026-11-20-0000-2.csv",
                     "notes.txt", "acct-2026-11-23-1100.csv"]
        #expect(policy.expired(names, now: now) == ["acct-2026-11-20-0000-2.csv", "acct-2026-11-21-1159.csv"])
        let keepForever = RotationPolicy(fileName: "acct.csv", maxSize: nil, moveInterval: nil, deleteAfter: .never)
        #expect(keepForever.expired(names, now: now).isEmpty)
    }
}
