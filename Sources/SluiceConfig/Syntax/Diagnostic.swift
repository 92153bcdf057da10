/// One finding of the configuration checker, printed as `FILE:LINE:COL: error: message`.
///
/// The printed form (``description``) is safe for a terminal: control characters copied from
/// the file into the message or the file name are escaped (see `escapingControlCharacters`).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How bad a finding is.
    public enum Severity: String, Hashable, Sendable {
        /// The configuration cannot be used as written.
        case error
        /// The configuration works, but something is probably not what the operator meant, or
        /// Sluice does not do what a PowerMTA directive asks.
        case warning
        /// For information: a PowerMTA directive that Sluice accepts without effect.
        case note
    }

    /// Error, warning or note.
    public var severity: Severity
    /// Where the finding is: the directive, the value, or the block's `<`.
    public var location: SourceLocation
    /// One sentence for the operator; a hint may follow after "; ". Text quoted from the file is
    /// verbatim here, control characters included: print ``description``, which escapes them.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: error: message`, control characters escaped.
    public var description: String {
        "\(location): \(severity.rawValue): \(message.escapingControlCharacters)"
    }
}

extension String {
    /// This text made safe to print to a terminal, so a hostile configuration file cannot send
    /// escape sequences through a diagnostic: every control character is written as in a Swift
    /// string literal, CR and LF as `\r` and `\n`, any other as `\u{HEX}` (ESC is `\u{1B}`).
    /// Control characters are C0 (U+0000–U+001F) except tab, DEL (U+007F) and C1
    /// (U+0080–U+009F); everything else, tab included, is kept. Backslashes are not doubled:
    /// the result is for reading, not for parsing back.
    var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: \.isControlCharacter) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\r": escaped += #"\r"#
            case "\n": escaped += #"\n"#
            case _ where scalar.isControlCharacter:
                escaped += #"\u{"# + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

extension Unicode.Scalar {
    /// C0 except tab, DEL or C1: what `escapingControlCharacters` escapes.
    fileprivate var isControlCharacter: Bool {
        (value < 0x20 && self != "\t") || (0x7F...0x9F).contains(value)
    }
}
