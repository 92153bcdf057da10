import SluiceControlProtocol

/// The Patterns view's state: which template is selected. Templates come in the snapshot's
/// order (most replies in the last hour first); the selection follows its template by name
/// while the order changes.
public struct PatternsState: Hashable, Sendable {
    /// The selected row.
    public var selected = 0
    /// The first row shown.
    public var scroll = 0
    /// The selected template, kept across snapshots.
    public var selectedTemplate: String?

    /// Creates the state.
    public init() {}

    /// Moves the selection to its template's new row in `rows` (or keeps it in range), and on screen.
    public mutating func follow(_ rows: [PatternRow], pageSize: Int) {
        if let t = selectedTemplate, let i = rows.firstIndex(where: { $0.template == t }) { selected = i }
        select(selected, in: rows, pageSize: pageSize)
    }

    /// Selects row `index` (clamped) of `rows`.
    public mutating func select(_ index: Int, in rows: [PatternRow], pageSize: Int) {
        selected = max(0, min(index, rows.count - 1))
        let page = max(1, pageSize)
        if selected < scroll { scroll = selected }
        if selected >= scroll + page { scroll = selected - page + 1 }
        scroll = max(0, min(scroll, max(0, rows.count - page)))
        selectedTemplate = rows.indices.contains(selected) ? rows[selected].template : nil
    }
}
