/// A semantic colour role. Renderers say what a cell *is*; the theme decides how it looks.
public enum Role: String, CaseIterable, Hashable, Sendable {
    /// Ordinary text.
    case normal
    /// Secondary text: units, labels, zero figures.
    case dim
    /// The header bar.
    case header
    /// A figure on the first header line.
    case headerValue = "header-value"
    /// A figure on the header's statistics lines.
    case figure
    /// An inactive view tab.
    case tab
    /// The active view tab.
    case tabActive = "tab-active"
    /// Table column titles.
    case columnHeader = "column-header"
    /// The selected row.
    case selection
    /// Healthy state, 2xx replies.
    case ok
    /// Warnings, 4xx replies, deferrals.
    case warn
    /// Errors, 5xx replies, bounces, STALE.
    case error
    /// A held domain.
    case held
    /// A paused vmta or queue.
    case paused
    /// A queue in backoff mode.
    case backoff
    /// Sparklines.
    case sparkline
    /// The status line under the table.
    case status
    /// A key in the function bar.
    case functionKey = "function-key"
    /// A label in the function bar.
    case functionLabel = "function-label"
    /// Section titles and borders in overlays and the detail view.
    case title
    /// Overlay (form, help, prompt) background.
    case overlay
    /// A text input field.
    case input
    /// A bounce category or other tag.
    case category

    /// A one-character code per role for golden style maps in tests.
    public var code: Character {
        switch self {
        case .normal: "."
        case .dim: "d"
        case .header: "H"
        case .headerValue: "V"
        case .figure: "f"
        case .tab: "t"
        case .tabActive: "T"
        case .columnHeader: "C"
        case .selection: "S"
        case .ok: "o"
        case .warn: "w"
        case .error: "e"
        case .held: "h"
        case .paused: "p"
        case .backoff: "b"
        case .sparkline: "~"
        case .status: "s"
        case .functionKey: "K"
        case .functionLabel: "L"
        case .title: "#"
        case .overlay: "O"
        case .input: "I"
        case .category: "c"
        }
    }
}
