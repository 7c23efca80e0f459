// OpenDocument text content (ODF 1.2 Part 1, 5-6): paragraph text with its spacing elements, and the
// walk over office:text that turns headings, paragraphs, lists, sections, tables and text boxes
// into blocks. Notes are collected for the end; spreadsheets and slides are in ODFSheets/ODFSlides.
import XML

/// The inline content of one text:p or text:h.
struct ODFInline {
    /// Raw text; NUL marks a line break (InlineText.normalize turns it into a newline).
    private(set) var raw = ""
    /// Frames and shapes anchored in the paragraph whose text is read as blocks after it.
    private(set) var frames: [XMLElement] = []
    /// Notes (text:note) in citation order, as (class, body).
    private(set) var notes: [(footnote: Bool, body: XMLElement)] = []

    init(_ e: XMLElement) { walk(e) }

    var text: String { InlineText.normalize(raw) }

    private mutating func walk(_ e: XMLElement) {
        for child in e.children {
            switch child {
            case let .text(t, _): raw += t
            case let .element(c): visit(c)
            }
        }
    }

    private mutating func visit(_ e: XMLElement) {
        switch e.name {
        case "s":
            // 6.1.3 text:s stands for text:c spaces; collapsing keeps one, which is all a search needs.
            raw += " "
        case "tab":
            raw += "\t"
        case "line-break":
            raw.append(InlineBuffer.lineBreak)
        case "note":
            if let body = e.firstChild(named: "note-body") { notes.append((e.attr("note-class") != "endnote", body)) }
        case "frame", "custom-shape", "rect", "ellipse", "g", "text-box", "polygon", "path":
            frames.append(e)
        case "annotation", "annotation-end", "ruby-text", "soft-page-break", "bookmark", "bookmark-start",
             "bookmark-end", "reference-mark", "reference-mark-start", "reference-mark-end",
             "change", "change-start", "change-end", "toc-mark", "alphabetical-index-mark", "hidden-text",
             "hidden-paragraph", "image", "object", "object-ole":
            // Comments, ruby annotations, markers, tracked-change anchors, index marks and hidden text.
            return
        default:
            // text:span, text:a, text:meta, ruby bases, fields (dates, page numbers, sequences).
            walk(e)
        }
    }
}

/// Turns block-level ODF text content into blocks, in document order.
struct ODFTextReader {
    let styles: ODFStyles
    private(set) var blocks: [Block] = []
    private var isCaption: [Bool] = []
    private(set) var notes: [(footnote: Bool, body: XMLElement)] = []
    private var paragraphs = 0
    private var tables = 0
    /// The first paragraph styled as a title (documents without dc:title).
    private(set) var titleParagraph: String?
    /// When set, every block gets this span (slides) instead of paragraph/table numbers.
    var fixedSpan: SourceSpan?

    init(styles: ODFStyles) { self.styles = styles }

    mutating func walk(_ container: XMLElement, inList: Bool = false) {
        for e in container.elements { visit(e, inList: inList) }
    }

    mutating func visit(_ e: XMLElement, inList: Bool = false) {
        switch e.name {
        case "h":
            let level = min(max(e.attr("outline-level").flatMap { Int($0) } ?? 1, 1), 10)
            paragraph(e, kind: .heading(level: level))
        case "p":
            paragraph(e, kind: inList ? .listItem : nil)
        case "list":
            for item in e.elements where item.name == "list-item" || item.name == "list-header" {
                listItem(item)
            }
        case "numbered-paragraph":
            // ODF 1.2, 5.3.6: a paragraph numbered as a list item without a list around it.
            listItem(e)
        case "section", "text-box", "frame", "g", "custom-shape", "rect", "ellipse", "polygon", "path", "a":
            walk(e, inList: inList)
        case "table":
            table(e)
        default:
            // tracked-changes (deleted text lives there), generated indexes and tables of
            // contents, declarations, forms, shapes' own properties.
            return
        }
    }

    /// A list item's own paragraphs make one item; nested lists follow as their own items.
    private mutating func listItem(_ item: XMLElement) {
        var parts: [String] = []
        var nested: [XMLElement] = []
        var first: Int?
        for e in item.elements {
            switch e.name {
            case "p":
                let inline = absorb(e)
                if first == nil { first = paragraphs }
                if !inline.text.isEmpty { parts.append(inline.text) }
                nested += inline.frames
            case "h":
                paragraph(e, kind: .heading(level: min(max(e.attr("outline-level").flatMap { Int($0) } ?? 1, 1), 10)))
            case "list":
                flushItem(&parts, number: first)
                first = nil
                visit(e)
            default:
                nested.append(e)
            }
        }
        flushItem(&parts, number: first)
        for f in nested { visit(f) }
    }

    private mutating func flushItem(_ parts: inout [String], number: Int?) {
        defer { parts.removeAll() }
        guard !parts.isEmpty else { return }
        append(Block(.listItem, parts.joined(separator: " "), span: span(paragraph: number ?? paragraphs)))
    }

    /// Counts the paragraph and collects its notes; returns its inline content.
    private mutating func absorb(_ e: XMLElement) -> ODFInline {
        paragraphs += 1
        let inline = ODFInline(e)
        notes += inline.notes
        return inline
    }

    /// `kind` nil means: judged by the paragraph's style (title, caption or body text).
    private mutating func paragraph(_ e: XMLElement, kind: Block.Kind?) {
        let inline = absorb(e)
        let text = inline.text
        if !text.isEmpty {
            let style = e.attr("style-name")
            let span = span(paragraph: paragraphs)
            if let kind {
                append(Block(kind, kind == .listItem ? text : text.replacingLineBreaks(), span: span))
            } else if styles.isTitle(style) {
                let line = text.replacingLineBreaks()
                if titleParagraph == nil { titleParagraph = line }
                append(Block(.heading(level: 1), line, span: span))
            } else {
                append(Block(.paragraph, text, span: span), caption: styles.isCaption(style))
            }
        }
        for f in inline.frames { visit(f) }
    }

    private mutating func table(_ t: XMLElement) {
        tables += 1
        let (_, rows) = ODFTables.render(t)
        var caption: String?
        if isCaption.last == true, let last = blocks.last {
            caption = last.text.replacingLineBreaks()
            blocks.removeLast()
            isCaption.removeLast()
        }
        guard !rows.isEmpty || caption != nil else { return }
        let text = ([caption].compactMap { $0 } + rows).joined(separator: "\n")
        append(Block(.table(caption: caption, rows: rows), text, span: fixedSpan ?? SourceSpan(locator: "table \(tables)")))
    }

    /// A caption paragraph right after a table without one becomes its caption.
    mutating func attachTrailingCaptions() {
        var out: [Block] = []
        var i = 0
        while i < blocks.count {
            var b = blocks[i]
            if case let .table(nil, rows) = b.kind, i + 1 < blocks.count, isCaption[i + 1] {
                let caption = blocks[i + 1].text.replacingLineBreaks()
                b.kind = .table(caption: caption, rows: rows)
                b.text = ([caption] + rows).joined(separator: "\n")
                i += 1
            }
            out.append(b)
            i += 1
        }
        blocks = out
        isCaption = Array(repeating: false, count: out.count)
    }

    private func span(paragraph n: Int) -> SourceSpan {
        fixedSpan ?? SourceSpan(locator: "paragraph \(n)")
    }

    private mutating func append(_ b: Block, caption: Bool = false) {
        blocks.append(b)
        isCaption.append(caption)
    }
}
