import Testing
@testable import SluiceAccounting

@Suite("Pipe backlog")
struct PipeBacklogTests {
    let header = Array("h,h\r\n".utf8)

    func row(_ n: Int) -> [UInt8] { Array("row\(n)\r\n".utf8) }

    @Test("the header comes first, rows follow in order, partial writes resume where they stopped")
    func partialWrites() {
        var backlog = PipeBacklog(limit: 10)
        let appended = backlog.append(row(1)) && backlog.append(row(2))
        #expect(appended)
        backlog.programStarted(header: header)
        #expect(backlog.nextChunk(maximum: 1024) == header + row(1) + row(2))
        var completed = backlog.consume(7)  // the header and 2 bytes of row 1
        #expect(completed == 0)
        #expect(backlog.nextChunk(maximum: 1024) == Array(row(1).dropFirst(2)) + row(2))
        completed = backlog.consume(4)
        #expect(completed == 1)
        #expect(backlog.count == 1)
        #expect(backlog.nextChunk(maximum: 1) == row(2), "at least one whole row, however small the maximum")
        completed = backlog.consume(row(2).count)
        #expect(completed == 1)
        #expect(backlog.isDrained)
    }

    @Test("a row the lost program got part of goes whole to the next, after its header")
    func lostProgramResendsTheCutRow() {
        var backlog = PipeBacklog(limit: 10)
        backlog.programStarted(header: header)
        let appended = backlog.append(row(1))
        #expect(appended)
        let completed = backlog.consume(header.count + 3)
        #expect(completed == 0)
        backlog.programLost()
        #expect(backlog.nextChunk(maximum: 1024) == row(1))
        backlog.programStarted(header: header)
        #expect(backlog.nextChunk(maximum: 1024) == header + row(1))
    }

    @Test("append refuses rows beyond the limit")
    func bounded() {
        var backlog = PipeBacklog(limit: 2)
        let first = backlog.append(row(1)), second = backlog.append(row(2))
        #expect(first && second)
        #expect(backlog.isFull)
        let third = backlog.append(row(3))
        #expect(!third)
        #expect(backlog.count == 2)
        let removed = backlog.removeAll()
        #expect(removed == 2)
        #expect(backlog.count == 0)
    }

    @Test("thousands of rows written one by one keep their order through compaction")
    func compaction() {
        var backlog = PipeBacklog(limit: 5_000)
        for n in 0..<3_000 { _ = backlog.append(row(n)) }
        #expect(backlog.count == 3_000)
        var inOrder = true
        for n in 0..<3_000 {
            inOrder = inOrder && backlog.nextChunk(maximum: 1) == row(n)
            inOrder = inOrder && backlog.consume(row(n).count) == 1
        }
        #expect(inOrder)
        #expect(backlog.isDrained)
    }
}
