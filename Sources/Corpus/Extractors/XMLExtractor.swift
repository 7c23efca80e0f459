// Generic XML to blocks, knowing no schema: elements named like headings (title, head, heading,
// name, h1-h6) become headings at their section depth, elements holding text of their own become
// paragraphs (with the text of their inline children). Attributes, comments and PIs are ignored.
import XML

public enum XMLExtractor {
    /// Local names (compared case-insensitively) that title the element they sit in.
    static let headingNames: Set<String> = ["title", "head", "heading", "name", "h1", "h2", "h3", "h4", "h5", "h6"]

    /// Parses and extracts an XML file. A file that is not well-formed is parsed again in
    /// libxml2's recover mode and whatever it salvages is used; only when that fails too is the
    /// first error raised. Entity-expansion, depth and size refusals are never retried.
    /// - Throws: `CorpusError.binaryContent`, `.tooLarge` or `.markup` with the `XMLError`.
    public static func extract(_ bytes: [UInt8], path: String) throws -> Document {
        let document = try HTMLExtractor.parse(path: path) {
            do {
                return try XMLDocument.parseXML(bytes)
            } catch let error as XMLError where isRepairable(error) {
                guard let salvaged = try? XMLDocument.parseXML(bytes, recover: true) else { throw error }
                return salvaged
            }
        }
        return extract(document)
    }

    static func isRepairable(_ error: XMLError) -> Bool {
        switch error {
        case .mismatchedTag, .unexpectedEnd, .undefinedEntity, .malformed: return true
        default: return false
        }
    }

    /// Extracts blocks from a parsed XML document. The title is the first heading's text.
    public static func extract(_ document: XMLDocument) -> Document {
        var blocks: [Block] = []
        let root = document.root
        if isHeading(root) {
            append(.heading(level: 1), root, to: &blocks)
        } else if root.hasDirectText {
            append(.paragraph, root, to: &blocks)
        } else {
            visit(root, parentDepth: 0, into: &blocks)
        }
        let title = blocks.first { if case .heading = $0.kind { return true } else { return false } }?.text
        return Document(title: title, blocks: blocks)
    }

    static func isHeading(_ e: XMLElement) -> Bool {
        headingNames.contains(e.name.lowercased())
    }

    /// `parentDepth` counts the titled elements enclosing `e`; a heading inside `e` sits one
    /// deeper when `e` itself is titled (which it is, by that very heading).
    private static func visit(_ e: XMLElement, parentDepth: Int, into blocks: inout [Block]) {
        let elements = e.elements
        let depth = parentDepth + (elements.contains(where: isHeading) ? 1 : 0)
        for child in elements {
            if isHeading(child) {
                append(.heading(level: min(max(depth, 1), 6)), child, to: &blocks)
            } else if child.hasDirectText {
                append(.paragraph, child, to: &blocks)
            } else {
                visit(child, parentDepth: depth, into: &blocks)
            }
        }
    }

    private static func append(_ kind: Block.Kind, _ e: XMLElement, to blocks: inout [Block]) {
        var text = InlineText.normalize(e.textContent)
        if case .heading = kind { text = text.replacingLineBreaks() }
        guard !text.isEmpty else { return }
        blocks.append(Block(kind, text, span: SourceSpan(lineStart: e.line, lineEnd: e.endLine)))
    }
}
