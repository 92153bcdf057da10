import Foundation

/// Reads configuration files into a syntax tree: matches block tags, splices `include`d files in
/// place (globs, relative to the including file, loops detected) and reports every structural
/// error it finds, continuing after each one.
struct Parser {
    /// Reads a file's text, or nil when it cannot be read. Injected so tests need no files.
    let readFile: (String) -> String?
    /// Expands a glob pattern to the sorted paths it matches.
    let expandGlob: (String) -> [String]
    /// Diagnostics found so far.
    private(set) var diagnostics: [Diagnostic] = []
    /// Canonical paths of the files being read, innermost last, for loop detection.
    private var includeStack: [String] = []

    /// The deepest block nesting accepted (the dialect needs 2); deeper tags are errors, which
    /// keeps hostile input from exhausting the stack.
    static let maximumDepth = 16

    init(readFile: @escaping (String) -> String?, expandGlob: @escaping (String) -> [String]) {
        self.readFile = readFile
        self.expandGlob = expandGlob
    }

    /// Every file read, in the order reading started (diagnostics are listed in this order).
    private(set) var files: [String] = []
    private var seenFiles: Set<String> = []

    /// Parses `text` as the file `file`.
    mutating func parse(text: String, file: String) -> [SyntaxNode] {
        if seenFiles.insert(file).inserted { files.append(file) }
        includeStack.append(Parser.canonical(file))
        defer { includeStack.removeLast() }
        let lexer = Lexer(file: file)
        var stack: [BlockNode] = []
        var top: [SyntaxNode] = []

        func append(_ node: SyntaxNode) {
            if stack.isEmpty { top.append(node) } else { stack[stack.count - 1].children.append(node) }
        }

        // A directive whose value ends with a comma continues on the next line (long domain
        // lists are written so): it is held until a line that does not end with one.
        var continued: DirectiveNode?
        func finish(_ held: DirectiveNode) {
            var directive = held
            directive.arguments = Parser.joiningLists(directive.arguments)
            if directive.key == "include" {
                for node in include(directive, from: file) { append(node) }
            } else {
                append(.directive(directive))
            }
        }

        var number = 0
        for line in Lexer.lines(of: text) {
            number += 1
            let syntax = lexer.lex(line: line, number: number, into: &diagnostics)
            if case .empty = syntax { continue }
            if let held = continued {
                continued = nil
                if case .directive(let name, let arguments) = syntax {
                    var directive = held
                    directive.arguments += [name] + arguments
                    if directive.arguments.last?.text.hasSuffix(",") == true { continued = directive } else { finish(directive) }
                    continue
                }
                finish(held)
            }
            switch syntax {
            case .empty:
                continue
            case .directive(let name, let arguments):
                let directive = DirectiveNode(name: name, arguments: arguments)
                if arguments.last?.text.hasSuffix(",") == true { continued = directive } else { finish(directive) }
            case .open(let name, let arguments, let start):
                guard stack.count < Parser.maximumDepth else {
                    diagnostics.append(Diagnostic(.error, start,
                        "blocks are nested more than \(Parser.maximumDepth) deep; '<\(name.text)>' is ignored"))
                    continue
                }
                stack.append(BlockNode(name: name, arguments: arguments, start: start, children: []))
            case .close(let name, let start):
                guard let innermost = stack.last else {
                    diagnostics.append(Diagnostic(.error, start, "'</\(name.text)>' closes no open block"))
                    continue
                }
                if innermost.name.text == name.text {
                    stack.removeLast()
                    append(.block(innermost))
                    continue
                }
                diagnostics.append(Diagnostic(.error, start,
                    "'</\(name.text)>' does not match '<\(innermost.name.text)>' opened at \(innermost.start)"))
                // Recover: if an outer block has this name, close everything up to it.
                if stack.contains(where: { $0.name.text == name.text }) {
                    while let block = stack.popLast() {
                        append(.block(block))
                        if block.name.text == name.text { break }
                    }
                }
            }
        }
        if let held = continued { finish(held) }
        while let block = stack.popLast() {
            diagnostics.append(Diagnostic(.error, block.start,
                "'<\(block.name.text)>' is not closed; expected '</\(block.name.text)>' before the end of \(file)"))
            append(.block(block))
        }
        return top
    }

    /// `words` with a list written with spaces after its commas (`records d, b, rb`) made one word
    /// (`d,b,rb`), as the directives that take a list expect.
    static func joiningLists(_ words: [Word]) -> [Word] {
        var joined: [Word] = []
        for word in words {
            if let last = joined.last, last.text.hasSuffix(","), !word.text.hasPrefix("/") {
                joined[joined.count - 1].text += word.text
            } else {
                joined.append(word)
            }
        }
        return joined
    }

    /// The nodes of every file an `include` directive names.
    private mutating func include(_ directive: DirectiveNode, from file: String) -> [SyntaxNode] {
        guard directive.arguments.count == 1, let pattern = directive.arguments.first?.text, !pattern.isEmpty else {
            diagnostics.append(Diagnostic(.error, directive.valueLocation,
                                          "include takes one path or glob, e.g. include conf.d/*.conf"))
            return []
        }
        let directory = (file as NSString).deletingLastPathComponent
        let path = pattern.hasPrefix("/") || directory.isEmpty
            ? pattern : (directory as NSString).appendingPathComponent(pattern)
        let isGlob = pattern.contains(where: { "*?[".contains($0) })
        let paths = isGlob ? expandGlob(path) : [path]
        var nodes: [SyntaxNode] = []
        for included in paths {
            let canonical = Parser.canonical(included)
            if let loopStart = includeStack.firstIndex(of: canonical) {
                let chain = (includeStack[loopStart...] + [canonical]).joined(separator: " -> ")
                diagnostics.append(Diagnostic(.error, directive.valueLocation, "include loop: \(chain)"))
                continue
            }
            guard let text = readFile(included) else {
                diagnostics.append(Diagnostic(.error, directive.valueLocation, "cannot read included file '\(included)'"))
                continue
            }
            nodes += parse(text: text, file: included)
        }
        return nodes
    }

    /// The path with `.`/`..` removed and symbolic links resolved, for loop detection.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
