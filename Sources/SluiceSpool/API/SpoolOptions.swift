import SluiceConfig

/// How a spool behaves.
public struct SpoolOptions: Sendable {
    /// Below this much free space on the spool's file system, `accept` refuses new mail with
    /// `SpoolError.insufficientSpace` (SMTP `452 4.3.1`); progress is still recorded, so the space
    /// kept free is what delivery progress and the next segment need while new mail waits. The
    /// default is one segment (64 MiB). nil: no check.
    public var minimumFreeSpace: ByteSize?
    /// A segment is closed and a new one started once it reaches this size.
    public var segmentSize: ByteSize
    /// Zero-fill each segment to `segmentSize` when it is created (the next one ahead of time, on a
    /// helper thread), so that appends overwrite existing blocks and each sync is cheaper. Turn it
    /// off on copy-on-write file systems, where it buys nothing.
    public var preallocateSegments: Bool
    /// When more than this many segments exist and the oldest is mostly dead, its live messages are
    /// rewritten into the newest so that it can be deleted (see docs/spool.md, "Compaction").
    public var compactAfterSegments: Int
    /// Reports the free bytes of the file system holding a path (nil when unknown). Tests inject one.
    public var freeSpaceProbe: @Sendable (String) -> Int64?

    /// Creates options; the defaults suit production.
    public init(minimumFreeSpace: ByteSize? = ByteSize(bytes: 64 << 20), segmentSize: ByteSize = ByteSize(bytes: 64 << 20),
                preallocateSegments: Bool = true, compactAfterSegments: Int = 4,
                freeSpaceProbe: @escaping @Sendable (String) -> Int64? = FileSystem.freeBytes) {
        self.minimumFreeSpace = minimumFreeSpace
        self.segmentSize = segmentSize
        self.preallocateSegments = preallocateSegments
        self.compactAfterSegments = compactAfterSegments
        self.freeSpaceProbe = freeSpaceProbe
    }
}
