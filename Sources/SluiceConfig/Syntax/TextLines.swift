/// How every text file Sluice reads (configuration, override file, token file, themes, sandbox
/// profiles) is cut into lines.
public enum TextLines {
    /// The lines of `text` without their line ends, the last one possibly empty. `"\n"` (Unix),
    /// `"\r\n"` (Windows, PowerMTA's own sample configuration) and a lone `"\r"` (classic Mac OS)
    /// each end a line, in any mix, so every copy of a file reads alike and reports the same line
    /// and column numbers. A UTF-8 byte-order mark at the start is not part of the text.
    ///
    /// Splitting on `Character`s is exact: Swift makes `"\r\n"` one `Character`, and Unicode never
    /// joins CR or LF to any other neighbour, so a line end is always a whole `Character`.
    public static func split(_ text: String) -> [Substring] {
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        return body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
