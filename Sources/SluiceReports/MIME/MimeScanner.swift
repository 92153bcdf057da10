/// A leaf MIME part found by `MimeScanner`: its headers, type and body range in the message.
struct MimePart {
    var headers: HeaderSection
    var contentType: ContentType
    var body: Range<Int>

    var transferEncoding: String? { headers.value("Content-Transfer-Encoding") }
}

/// What `MimeScanner` found in a message: the parts a report is read from. Nothing is decoded
/// here; every part is a range of the message's own bytes.
struct MessageScan {
    /// The message's own header section and type.
    var top: MimePart
    /// The first `message/delivery-status` (or `message/global-delivery-status`) part.
    var deliveryStatus: MimePart?
    /// The first `message/feedback-report` part.
    var feedbackReport: MimePart?
    /// The first part holding the original message: `message/rfc822`, `text/rfc822-headers`
    /// (and the `message/rfc822-headers` some reporters write), or their RFC 6532 `global` forms.
    var original: MimePart?
    /// The first few `text/plain` parts (the message itself when it is not multipart).
    var textParts: [MimePart] = []
    /// The first structural problem met below the top level (a nested multipart without its
    /// boundary, a limit reached); the reason given when nothing readable is found.
    var problem: UnparsedReason?
}

/// Walks a message's MIME tree within `ReportLimits`, without descending into attached
/// messages (an attached original may itself contain reports that are not this one's).
struct MimeScanner {
    let bytes: [UInt8]
    let limits: ReportLimits
    private static let maxTextParts = 4
    private var partsSeen = 0
    private var found: MessageScan

    private init(bytes: [UInt8], limits: ReportLimits, top: MimePart) {
        self.bytes = bytes
        self.limits = limits
        self.found = MessageScan(top: top)
    }

    /// Scans `bytes`; a failure is a problem at the top level that leaves nothing to read.
    static func scan(_ bytes: [UInt8], limits: ReportLimits) -> Result<MessageScan, UnparsedReason> {
        let headers: HeaderSection
        do {
            headers = try HeaderSection.read(bytes, range: 0..<bytes.count, limit: limits.maxHeaderBytes)
        } catch {
            return .failure(.limitExceeded("header section larger than \(limits.maxHeaderBytes) bytes"))
        }
        guard headers.terminated else { return .failure(.brokenMIME("the message ends inside its header section")) }
        guard !headers.fields.isEmpty else { return .failure(.brokenMIME("no header fields")) }
        let type = headers.value("Content-Type").flatMap(ContentType.init(field:)) ?? .default
        let top = MimePart(headers: headers, contentType: type, body: headers.bodyStart..<bytes.count)
        var scanner = MimeScanner(bytes: bytes, limits: limits, top: top)
        if type.isMultipart {
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
                return .failure(.brokenMIME("\(type.mediaType) without a boundary parameter"))
            }
            guard let parts = MultipartSplitter.parts(of: bytes, body: top.body, boundary: boundary, maxParts: limits.maxParts) else {
                return .failure(.brokenMIME("boundary \"\(boundary)\" not found"))
            }
            scanner.visit(parts: parts, depth: 1)
        } else {
            scanner.classify(top)
        }
        return .success(scanner.found)
    }

    private mutating func visit(parts: [Range<Int>], depth: Int) {
        for range in parts {
            partsSeen += 1
            guard partsSeen <= limits.maxParts else {
                note(.limitExceeded("more than \(limits.maxParts) MIME parts"))
                return
            }
            guard let headers = try? HeaderSection.read(bytes, range: range, limit: limits.maxHeaderBytes) else {
                note(.limitExceeded("a part's header section is larger than \(limits.maxHeaderBytes) bytes"))
                continue
            }
            let type = headers.value("Content-Type").flatMap(ContentType.init(field:)) ?? .default
            let part = MimePart(headers: headers, contentType: type, body: headers.bodyStart..<range.upperBound)
            guard type.isMultipart else {
                classify(part)
                continue
            }
            guard depth < limits.maxDepth else {
                note(.limitExceeded("MIME nesting deeper than \(limits.maxDepth) levels"))
                continue
            }
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
                note(.brokenMIME("a nested \(type.mediaType) without a boundary parameter"))
                continue
            }
            guard let nested = MultipartSplitter.parts(of: bytes, body: part.body, boundary: boundary, maxParts: limits.maxParts) else {
                note(.brokenMIME("nested boundary \"\(boundary)\" not found"))
                continue
            }
            visit(parts: nested, depth: depth + 1)
        }
    }

    private mutating func classify(_ part: MimePart) {
        switch part.contentType.mediaType {
        case "message/delivery-status", "message/global-delivery-status":
            if found.deliveryStatus == nil { found.deliveryStatus = part }
        case "message/feedback-report":
            if found.feedbackReport == nil { found.feedbackReport = part }
        case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global", "message/global-headers":
            if found.original == nil { found.original = part }
        case "text/plain":
            if found.textParts.count < Self.maxTextParts { found.textParts.append(part) }
        default:
            break
        }
    }

    private mutating func note(_ problem: UnparsedReason) {
        if found.problem == nil { found.problem = problem }
    }
}
