import CNcurses
@testable import SluiceConsole
import Testing

@Suite struct CursesKeyTests {
    @Test func functionKeyCodes() {
        let cases: [(Int32, Key)] = [
            (KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right), (KEY_PPAGE, .pageUp),
            (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end), (KEY_BTAB, .backTab), (KEY_ENTER, .enter),
            (KEY_BACKSPACE, .backspace), (KEY_DC, .delete), (sluice_key_f0() + 1, .function(1)), (sluice_key_f0() + 10, .function(10)),
        ]
        for (code, key) in cases {
            #expect(CursesKeys.translate(UInt32(bitPattern: code), isKeyCode: true) == key)
        }
        #expect(CursesKeys.translate(UInt32(bitPattern: KEY_MOUSE), isKeyCode: true) == nil)
    }

    @Test func characters() {
        #expect(CursesKeys.character(9) == .tab)
        #expect(CursesKeys.character(13) == .enter)
        #expect(CursesKeys.character(10) == .enter)
        #expect(CursesKeys.character(27) == .escape)
        #expect(CursesKeys.character(127) == .backspace)
        #expect(CursesKeys.character(3) == .ctrl("c"))
        #expect(CursesKeys.character(21) == .ctrl("u"))
        #expect(CursesKeys.character(0) == nil)
        #expect(CursesKeys.character(0x68) == .char("h"))
        #expect(CursesKeys.character(0x4F50) == .char("佐"))
        #expect(CursesKeys.character(0xD800) == nil, "a lone surrogate is not a character")
    }
}
