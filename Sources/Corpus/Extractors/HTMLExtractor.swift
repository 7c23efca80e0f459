// HTML and XHTML to blocks: headings, paragraphs, list items (nested lists flattened, each item
// once), preformatted code and tables, each with the lines it came from. Chrome and non-content
// elements are dropped (HTMLChrome); tables are rendered in HTMLTables; parsing is the XML module's.
import XML

public enum HTMLExtractor {
    /// Parses and extracts an HTML file. Malformed markup is repaired, never refused.
    /// - Throws: `CorpusError.binaryContent`, `.tooLarge` or `.markup` (empty input, or libxml2
    ///   running out of memory).
    public static func extract(_ bytes: [UInt8], path: String) throws -> Document {
        extract(try parse(path: path) { try XMLDocument.parseHTML(bytes) })
    }

    /// Extracts blocks from an already parsed HTML document. The title is `<title>`, or the first
    /// `h1` when there is none.
    public static func extract(_ document: XMLDocument) -> Document {
        var walker = HTMLBlockWalker()
        walker.walk(document.root, inSectioning: false)
        walker.flush()
        var title: String?
        if let t = document.root.firstChild(named: "head")?.descendants(named: "title").first {
            title = InlineText.normalize(t.textContent)
        }
        if title?.isEmpty ?? true {
            title = walker.blocks.first { $0.kind == .heading(level: 1) }?.text
        }
        return Document(title: title, blocks: walker.blocks)
    }

    /// Runs a parse, turning its XMLError into the CorpusError the ingest report shows.
    static func parse(path: String, _ body: () throws -> XMLDocument) throws -> XMLDocument {
        do {
            return try body()
        } catch let e as XMLError {
            switch e {
            case .binary: throw CorpusError.binaryContent(path: path)
            case let .tooLarge(size, limit): throw CorpusError.tooLarge(path: path, size: Int64(size), limit: Int64(limit))
            default: throw CorpusError.markup(path: path, error: e)
            }
        }
    }
}

/// Walks the element tree in document order, collecting inline text into a buffer that becomes a
/// block whenever a block-level boundary is crossed.
struct HTMLBlockWalker {
    var blocks: [Block] = []
    var buffer = InlineBuffer()
    /// Inside an `li`, block-level children (`p`, `div`) merge into the one list item.
    var inListItem = false

    /// Ends the current run of text as a paragraph (or list item).
    mutating func flush() {
        let text = buffer.text
        if !text.isEmpty { blocks.append(Block(inListItem ? .listItem : .paragraph, text, span: buffer.span)) }
        buffer.reset()
    }

    mutating func walk(_ element: XMLElement, inSectioning: Bool) {
        for child in element.children {
            switch child {
            case let .text(text, line): buffer.append(text, line: line)
            case let .element(e): visit(e, inSectioning: inSectioning)
            }
        }
    }

    mutating func visit(_ e: XMLElement, inSectioning: Bool) {
        if HTMLChrome.drops(e, inSectioning: inSectioning) { return }
        let role = HTMLChrome.role(e)
        let sectioned = inSectioning || role == .sectioning
        let span = SourceSpan(lineStart: e.line, lineEnd: e.endLine)
        switch role {
        case let .heading(level):
            flush()
            let text = Self.inlineText(e, inSectioning: sectioned).replacingLineBreaks()
            if !text.isEmpty { blocks.append(Block(.heading(level: level), text, span: span)) }
        case .preformatted:
            flush()
            let text = Self.preformatted(e, inSectioning: sectioned)
            if !text.isEmpty { blocks.append(Block(.code, text, span: span)) }
        case .table:
            flush()
            blocks += HTMLTables.blocks(e, inSectioning: sectioned)
        case .listItem:
            flush()
            let outer = inListItem
            inListItem = true
            walk(e, inSectioning: sectioned)
            flush()
            inListItem = outer
        case .list:
            // A nested list ends the enclosing item's own text; its items follow as items.
            flush()
            let outer = inListItem
            inListItem = false
            walk(e, inSectioning: sectioned)
            flush()
            inListItem = outer
        case .lineBreak:
            buffer.lineBreakHere()
        case .rule:
            flush()
        case .empty:
            break
        case .block, .sectioning, .pageChrome, .navigation, .nonContent:
            if inListItem { buffer.separate() } else { flush() }
            walk(e, inSectioning: sectioned)
            if inListItem { buffer.separate() } else { flush() }
        case .inline:
            walk(e, inSectioning: sectioned)
        }
    }

    /// The normalised text under `e` (headings, table cells, captions): dropped elements skipped,
    /// block-level children separated by a space, `<br>` kept as a line break.
    static func inlineText(_ e: XMLElement, inSectioning: Bool) -> String {
        var buffer = InlineBuffer()
        gather(e, into: &buffer, inSectioning: inSectioning)
        return buffer.text
    }

    static func gather(_ e: XMLElement, into buffer: inout InlineBuffer, inSectioning: Bool) {
        for child in e.children {
            switch child {
            case let .text(text, line):
                buffer.append(text, line: line)
            case let .element(c):
                if HTMLChrome.drops(c, inSectioning: inSectioning) { continue }
                let role = HTMLChrome.role(c)
                if role == .lineBreak { buffer.lineBreakHere(); continue }
                let block = role != .inline && role != .empty
                if block { buffer.separate() }
                gather(c, into: &buffer, inSectioning: inSectioning || role == .sectioning)
                if block { buffer.separate() }
            }
        }
    }

    /// A `pre` block's text exactly as written, minus the newline right after `<pre>` (which
    /// HTML ignores) and trailing blank lines.
    static func preformatted(_ e: XMLElement, inSectioning: Bool) -> String {
        var out = ""
        func add(_ e: XMLElement) {
            for child in e.children {
                switch child {
                case let .text(text, _): out += text
                case let .element(c):
                    if HTMLChrome.drops(c, inSectioning: inSectioning) { continue }
                    if HTMLChrome.role(c) == .lineBreak { out += "\n" } else { add(c) }
                }
            }
        }
        add(e)
        if out.hasPrefix("\r\n") { out.removeFirst() } else if out.hasPrefix("\n") { out.removeFirst() }
        while let last = out.last, last.isWhitespace { out.removeLast() }
        return InlineText.hasContent(out) ? out : ""
    }
}

extension String {
    /// Line breaks from `<br>` read as spaces where a block is a single line (headings, cells).
    func replacingLineBreaks() -> String {
        contains("\n") ? split(separator: "\n").joined(separator: " ") : self
    }
}
