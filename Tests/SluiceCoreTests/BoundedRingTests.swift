import Testing
@testable import SluiceCore

@Suite("Bounded ring")
struct BoundedRingTests {
    @Test("keeps the newest elements, oldest first")
    func keepsNewest() {
        var ring = BoundedRing<Int>(capacity: 3)
        #expect(ring.ordered.isEmpty)
        for i in 1...5 { ring.push(i) }
        #expect(ring.ordered == [3, 4, 5])
    }

    @Test("newest matching elements, oldest first, at most the limit")
    func newestMatching() {
        var ring = BoundedRing<Int>(capacity: 5)
        for i in 1...8 { ring.push(i) }
        #expect(ring.newest(2, where: { $0 % 2 == 0 }) == [6, 8])
        #expect(ring.newest(10, where: { _ in true }) == [4, 5, 6, 7, 8])
        #expect(ring.newest(3, where: { $0 > 100 }).isEmpty)
    }
}
