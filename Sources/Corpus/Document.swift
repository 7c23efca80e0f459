// What an extractor produces: a document as a sequence of structural blocks, each remembering where
// its text came from (line span, page, sheet/cell, slide) so a citation can point back there.

/// Where a piece of text sits in its source file. Extractors fill what their format has.
public struct SourceSpan: Sendable, Equatable, Hashable {
    /// 1-based first and last line (text-like formats).
    public var lineStart: Int?
    public var lineEnd: Int?
    /// 1-based page (PDF).
    public var page: Int?
    /// A format-specific locator: "sheet Budget!A2:D2", "slide 3", "part word/document.xml".
    public var locator: String?

    public init(lineStart: Int? = nil, lineEnd: Int? = nil, page: Int? = nil, locator: String? = nil) {
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        self.page = page
        self.locator = locator
    }

    /// The smallest span covering both (locators joined only when they differ).
    public func merged(with other: SourceSpan) -> SourceSpan {
        func lo(_ a: Int?, _ b: Int?) -> Int? { switch (a, b) { case let (x?, y?): return min(x, y); default: return a ?? b } }
        func hi(_ a: Int?, _ b: Int?) -> Int? { switch (a, b) { case let (x?, y?): return max(x, y); default: return a ?? b } }
        var loc = locator
        if let o = other.locator, o != locator { loc = loc.map { "\($0); \(o)" } ?? o }
        return SourceSpan(lineStart: lo(lineStart, other.lineStart), lineEnd: hi(lineEnd, other.lineEnd),
                          page: lo(page, other.page), locator: loc)
    }
}

/// One structural piece of a document.
public struct Block: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A heading; level 1 is the top.
        case heading(level: Int)
        case paragraph
        case listItem
        /// Code or preformatted text, kept verbatim.
        case code
        /// A table rendered as "column: value" lines, one per row, with its caption if any.
        /// `rows` holds the rendered row texts so the chunker can split between rows, never inside one.
        case table(caption: String?, rows: [String])
    }

    public var kind: Kind
    public var text: String
    public var span: SourceSpan

    public init(_ kind: Kind, _ text: String, span: SourceSpan = SourceSpan()) {
        self.kind = kind
        self.text = text
        self.span = span
    }
}

/// An extracted document. `title` comes from metadata (front matter, <title>, core properties)
/// when the format has one.
public struct Document: Sendable, Equatable {
    public var title: String?
    public var blocks: [Block]

    public init(title: String? = nil, blocks: [Block]) {
        self.title = title
        self.blocks = blocks
    }

    /// All block text joined by blank lines (for tests and for hashing extracted text).
    public var plainText: String {
        blocks.map(\.text).joined(separator: "\n\n")
    }
}

/// A retrieval unit: a slice of a document small enough to rank and quote.
public struct Chunk: Sendable, Equatable {
    /// 0-based position within the document.
    public var ordinal: Int
    public var text: String
    /// The heading path above the chunk, e.g. "Benefits > Vacation".
    public var headingPath: String
    public var span: SourceSpan

    public init(ordinal: Int, text: String, headingPath: String, span: SourceSpan) {
        self.ordinal = ordinal
        self.text = text
        self.headingPath = headingPath
        self.span = span
    }
}
