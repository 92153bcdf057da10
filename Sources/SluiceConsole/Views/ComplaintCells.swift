import SluiceBase
import SluiceControlProtocol

/// How complaint rates look: the figure (complaints per 1,000 delivered) and the role of its
/// level — alarm in the error colour, flag in the warning colour, ok in the healthy colour, a
/// window with too few deliveries dim.
enum ComplaintCells {
    /// The role of a level.
    static func role(_ level: ComplaintLevel) -> Role {
        switch level {
        case .alarm: .error
        case .flag: .warn
        case .ok: .ok
        case .lowVolume: .dim
        }
    }

    /// A rate per 1,000: `0.42`, `12.5`, `140`; `-` when there is no rate.
    static func rate(_ perThousand: Double?) -> String {
        guard let v = perThousand else { return "-" }
        if v < 10 { return Format.fixed(v, 2) }
        if v < 100 { return Format.fixed(v, 1) }
        return Format.fixed(v, 0)
    }

    /// A table cell for one window of a row's figures (`-`, dim, for a row without figures).
    static func cell(_ window: ComplaintFigures.Window?) -> TableCell {
        guard let window else { return TableCell(text: "-", role: .dim) }
        return TableCell(text: rate(window.perThousand), role: window.perThousand == nil ? .dim : role(window.level))
    }

    /// The Detail view's figure line: `1h 0.42/1k (3 of 7,120)  24h 1.20/1k FLAG (52 of 43,300)
    /// total 57 complaints, 4 async bounces`.
    static func summary(_ f: ComplaintFigures) -> [TableCell] {
        func window(_ label: String, _ w: ComplaintFigures.Window) -> [TableCell] {
            var cells = [TableCell(text: label, role: .dim), TableCell(text: rate(w.perThousand) + "/1k", role: role(w.level))]
            switch w.level {
            case .alarm: cells.append(TableCell(text: " ALARM", role: .error))
            case .flag: cells.append(TableCell(text: " FLAG", role: .warn))
            case .ok, .lowVolume: break
            }
            cells.append(TableCell(text: " (\(Format.count(w.complaints)) of \(Format.count(w.delivered)))", role: .dim))
            return cells
        }
        return window("1h ", f.lastHour) + window("  24h ", f.lastDay) + [
            TableCell(text: "  total ", role: .dim),
            TableCell(text: "\(Format.count(f.complaints)) complaints, \(Format.count(f.asyncBounces)) async bounces", role: .normal),
        ]
    }
}
