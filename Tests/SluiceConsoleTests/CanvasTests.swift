import SluiceConsole
import Testing

@Suite struct CanvasTests {
    @Test func displayWidths() {
        #expect(DisplayWidth.of("gmail.com") == 9)
        #expect(DisplayWidth.of("王小明@qq.com") == 13)
        #expect(DisplayWidth.of("佐藤") == 4)
        #expect(DisplayWidth.of("📬") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1, "a combining accent takes no cell")
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("ｆｕｌｌ") == 8)
        #expect(DisplayWidth.of("tab\there") == 7, "control characters take no cell")
    }

    @Test func truncationCountsCells() {
        #expect("王小明@qq.com".truncated(toWidth: 6) == "王小…")
        #expect("王小明@qq.com".truncated(toWidth: 5) == "王小…")
        #expect("abcdef".truncated(toWidth: 4, ellipsis: "~") == "abc~")
        #expect("abc".truncated(toWidth: 3) == "abc")
        #expect("abc".truncated(toWidth: 0) == "")
    }

    @Test func wideCharactersNeverStraddleTheClip() {
        var c = Canvas(width: 5, height: 1)
        let used = c.put("ab王小", x: 0, y: 0, role: .normal)
        #expect(used == 5)
        #expect(c.text(row: 0) == "ab王 ")
        #expect(c[3, 0].width == 0)
        var d = Canvas(width: 10, height: 2)
        d.put("王小明", x: 0, y: 1, role: .ok, maxWidth: 3)
        #expect(d.text(row: 1) == "王        ")
        #expect(d.put("x", x: 20, y: 0, role: .ok) == 0)
        #expect(d.put("x", x: 0, y: 5, role: .ok) == 0)
        d.put("xyz", x: -1, y: 0, role: .ok)
        #expect(d.text(row: 0).hasPrefix("yz"))
    }

    @Test func frameDiffPaintsOnlyChangedCells() {
        var a = Canvas(width: 20, height: 3)
        a.put("hello", x: 0, y: 0, role: .normal)
        var b = a
        b.put("J", x: 0, y: 0, role: .normal)
        b.put("王", x: 10, y: 2, role: .error)
        let runs = FrameDiff.runs(from: a, to: b)
        #expect(runs.map(\.y) == [0, 2])
        #expect(runs[0].x == 0 && runs[0].cells.count == 1)
        #expect(runs[1].x == 10 && runs[1].cells.count == 2, "a wide character is repainted whole")
        #expect(FrameDiff.runs(from: b, to: b).isEmpty)
        #expect(FrameDiff.runs(from: nil, to: b).reduce(0) { $0 + $1.cells.count } == 60)
        var c = b
        c.restyle(x: 11, y: 2, width: 1, role: .ok)
        #expect(FrameDiff.runs(from: b, to: c).first?.x == 10, "a run never starts on the right half of a wide character")
    }

    @Test func everyRoleHasADistinctCode() {
        #expect(Set(Role.allCases.map(\.code)).count == Role.allCases.count)
    }
}
