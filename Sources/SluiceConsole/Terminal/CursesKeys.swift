import CNcurses

/// Translates what `wget_wch` returns into ``Key`` values.
enum CursesKeys {
    /// The key for a function-key code (`isKeyCode`) or a character code; nil for codes the console ignores.
    static func translate(_ code: UInt32, isKeyCode: Bool) -> Key? {
        if isKeyCode {
            let c = Int32(bitPattern: code)
            switch c {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            default:
                let f0 = sluice_key_f0()
                if c > f0, c <= f0 + 12 { return .function(Int(c - f0)) }
                return nil
            }
        }
        return character(code)
    }

    /// The key for a character code: control characters become named keys or `.ctrl`.
    static func character(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return Unicode.Scalar(code + 96).map { .ctrl(Character($0)) }
        case 0..<32: return nil
        default: return Unicode.Scalar(code).map { .char(Character($0)) }
        }
    }
}
