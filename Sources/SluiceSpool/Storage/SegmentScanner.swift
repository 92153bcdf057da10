/// Walks the records of one segment file, reporting each intact record and each damaged region.
/// A damaged region (torn tail, bad checksum, garbage) is skipped by searching for the next
/// offset where an intact record starts; it never stops the scan.
enum SegmentScanner {
    /// Calls `record` with the type, the payload, the record's offset and total length for every
    /// intact record, and `warn` with `FILE@OFFSET: reason` for every damaged region.
    static func scan(_ data: UnsafeRawBufferPointer, file: String,
                     record: (UInt8, UnsafeRawBufferPointer, Int, Int) -> Void,
                     warn: (String) -> Void) {
        var offset = 0
        while offset < data.count {
            let probe = RecordFrame.probe(data, at: offset)
            if case let .record(type, payload) = probe {
                record(type, UnsafeRawBufferPointer(rebasing: data[payload]), offset, payload.upperBound - offset)
                offset = payload.upperBound
                continue
            }
            // Zeros to the end of the file are preallocated space not yet written: the end of the log.
            if isZero(data, from: offset) { return }
            let next = nextIntactRecord(in: data, after: offset)
            let skipped = (next ?? data.count) - offset
            let resume = next.map { "resuming at offset \($0)" } ?? "to the end of the file"
            warn("\(file)@\(offset): \(describe(probe)); skipped \(skipped) bytes, \(resume)")
            guard let next else { return }
            offset = next
        }
    }

    private static func isZero(_ data: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        var i = offset
        while i + 8 <= data.count {
            if data.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        while i < data.count {
            if data[i] != 0 { return false }
            i += 1
        }
        return true
    }

    private static func nextIntactRecord(in data: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var from = offset + 1
        while let candidate = RecordFrame.nextMagic(in: data, from: from) {
            if case .record = RecordFrame.probe(data, at: candidate) { return candidate }
            from = candidate + 1
        }
        return nil
    }

    private static func describe(_ probe: RecordFrame.Probe) -> String {
        switch probe {
        case .record: "intact record"
        case .noHeader: "no record header"
        case let .truncated(needed, available): "truncated record (\(available) of \(needed) bytes)"
        case let .badLength(length): "implausible record length \(length)"
        case .badChecksum: "checksum mismatch"
        }
    }
}
