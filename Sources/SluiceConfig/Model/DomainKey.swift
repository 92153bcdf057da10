/// A `domain-key SELECTOR,DOMAIN,PATH` line (top level, or in a `<virtual-mta>`): a DKIM private
/// key, the selector it is published under and the domain it signs for.
public struct DomainKey: Hashable, Sendable {
    /// The selector: the key is published at `SELECTOR._domainkey.DOMAIN`.
    public var selector: String
    /// The signing domain (`d=`), lowercased; `*` signs for any domain with the message's own.
    public var domain: String
    /// The PEM file, as written (relative paths are relative to the file that names it).
    public var path: String
    /// Where the line is.
    public var location: SourceLocation

    /// Creates a key line.
    public init(selector: String, domain: String, path: String, location: SourceLocation) {
        self.selector = selector
        self.domain = domain
        self.path = path
        self.location = location
    }

    /// The wildcard domain: the key signs any From domain.
    public static let anyDomain = "*"

    /// `path`, made absolute against the directory of the file that names it.
    public var resolvedPath: String {
        guard !path.hasPrefix("/") else { return path }
        let file = location.file
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}
