import SluiceConfig
import SluiceCore

/// The pure decisions of accounting file rotation: when to rotate, what to call the rotated
/// file and which rotated files `delete-after` removes.
///
/// A rotated file is named after the active one and the UTC minute it was rotated:
/// `acct.csv` → `acct-2026-11-23-1505.csv` (PowerMTA's naming), with `-1`, `-2`, … added
/// when that name is taken (several size rotations in one minute).
struct RotationPolicy: Hashable, Sendable {
    /// The active file's name before its extension (`acct`).
    var stem: String
    /// The active file's extension with its dot (`.csv`), or empty.
    var fileExtension: String
    /// Rotate before a row would take the file past this many bytes.
    var maxSize: Int64?
    /// Rotate at each multiple of this interval since the epoch (so `1h` rotates on the hour, UTC).
    var moveInterval: TimeSpan?
    /// Delete rotated files whose stamp is older than this.
    var deleteAfter: Expiry

    init(fileName: String, maxSize: Int64?, moveInterval: TimeSpan?, deleteAfter: Expiry) {
        if let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex {
            stem = String(fileName[..<dot])
            fileExtension = String(fileName[dot...])
        } else {
            stem = fileName
            fileExtension = ""
        }
        self.maxSize = maxSize
        self.moveInterval = moveInterval.flatMap { $0.milliseconds > 0 ? $0 : nil }
        self.deleteAfter = deleteAfter
    }

    /// The first interval boundary strictly after `now`, or nil without a positive `move-interval`.
    func nextRotation(after now: Instant) -> Instant? {
        guard let step = moveInterval?.milliseconds else { return nil }
        return Instant(milliseconds: (now.milliseconds.floorDivided(by: step) + 1) * step)
    }

    /// Whether a file of `size` bytes holding `rows` rows must rotate before `adding` more bytes.
    /// A file with no rows never rotates, so one oversized row still gets written.
    func mustRotate(size: Int64, rows: Int, adding: Int) -> Bool {
        guard let maxSize, rows > 0 else { return false }
        return size + Int64(adding) > maxSize
    }

    /// The name for a file rotated at `time`, avoiding the names in `taken`.
    func rotatedName(at time: Instant, taken: Set<String>) -> String {
        let base = "\(stem)-\(CivilTime(time).fileStamp)"
        var name = base + fileExtension
        var n = 0
        while taken.contains(name) {
            n += 1
            name = "\(base)-\(n)\(fileExtension)"
        }
        return name
    }

    /// The minute stamped in a rotated file's name, or nil when `name` is not one of ours.
    func rotationTime(of name: String) -> Instant? {
        guard name.hasPrefix(stem + "-"), name.hasSuffix(fileExtension) else { return nil }
        let middle = name.dropFirst(stem.count + 1).dropLast(fileExtension.count)
        let parts = middle.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4 || parts.count == 5,
              parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts[3].count == 4,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
              let year = Int64(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              let hhmm = Int(parts[3]),
              (1...12).contains(month), (1...31).contains(day), hhmm / 100 < 24, hhmm % 100 < 60
        else { return nil }
        return CivilTime.instant(year: year, month: month, day: day, hour: hhmm / 100, minute: hhmm % 100)
    }

    /// The rotated files among `names` that `delete-after` removes at `now`.
    func expired(_ names: [String], now: Instant) -> [String] {
        guard case .after(let keep) = deleteAfter else { return [] }
        return names.filter { name in rotationTime(of: name).map { now - $0 > keep } ?? false }.sorted()
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
