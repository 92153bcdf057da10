/// Trimming by a set of characters, without Foundation.
extension String {
    func trimming(_ set: Set<Character>) -> String {
        Substring(self).trimming(set)
    }
}

extension Substring {
    func trimming(_ set: Set<Character>) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }),
              let last = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
