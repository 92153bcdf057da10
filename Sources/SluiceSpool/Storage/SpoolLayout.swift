/// The paths inside a spool directory (see docs/spool.md):
///
/// ```
/// DIR/lock                  held (flock) by the process that has the spool open
/// DIR/segments/NNNNNNNN.seg append-only logs of checksummed records
/// DIR/controls/HEX.ctl      one operator control per file (HEX = the control id's UTF-8 in hex)
/// DIR/damaged/NNNNNNNN.seg  segments with unreadable regions, set aside once nothing live is in them
/// ```
struct SpoolLayout {
    let root: String

    var lockFile: String { root + "/lock" }
    var segmentsDirectory: String { root + "/segments" }
    var controlsDirectory: String { root + "/controls" }
    var damagedDirectory: String { root + "/damaged" }

    func segmentName(_ number: UInt32) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits + ".seg"
    }

    func segmentPath(_ number: UInt32) -> String { segmentsDirectory + "/" + segmentName(number) }

    /// The segment number of a file name such as `00000012.seg`, or nil.
    static func segmentNumber(_ name: String) -> UInt32? {
        guard name.hasSuffix(".seg") else { return nil }
        let digits = name.dropLast(4)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt32(digits)
    }

    /// The numbers of the segment files present, oldest first.
    func segmentNumbers() throws(SpoolError) -> [UInt32] {
        guard POSIX.isDirectory(segmentsDirectory) else { return [] }
        return try POSIX.list(segmentsDirectory).compactMap(SpoolLayout.segmentNumber).sorted()
    }
}
