// DOCX (WordprocessingML, ECMA-376 Part 1, 17) to blocks: the body's paragraphs and tables in order,
// headings and list items from styles, captions kept with their tables, footnotes and endnotes
// appended. Headers, footers and comments are left out. Run text is DOCXText's, tables DOCXTables'.
import XML

/// Extracts the text of Word documents (.docx, .docm, .dotx).
///
/// Locators: "paragraph N" counts the body's paragraphs from 1 (empty ones included, text-box
/// content cites the paragraph anchoring it); "table N" counts its tables; "footnote N" and
/// "endnote N" number notes in the order the body references them.
public enum DOCXExtractor {
    /// - Parameter includeNotes: append footnotes and endnotes after the body.
    /// - Throws: `CorpusError.officeCompoundFile` (password-protected or legacy .doc),
    ///   `.officePartMissing`, `.officePartMalformed`, `.officeWrongType` (e.g. a workbook),
    ///   `.officeMalformed` (no w:body), and the ZIP reader's errors (`.zipCorrupt`, `.zipBomb`,
    ///   `.ratioExceeded`, `.totalSizeExceeded`, `.encrypted`, `.checksumMismatch`, ...).
    public static func extract(_ bytes: [UInt8], includeNotes: Bool = true, limits: OfficeLimits = .standard) throws -> Document {
        let package = try OfficePackage(bytes, format: .docx, limits: limits)
        let main = try package.mainPart(fallback: "word/document.xml", accepted: ["wordprocessingml", "ms-word"])
        let rels = try package.relationships(of: main)
        func related(_ type: String, _ fallback: String) -> String {
            rels.first { $0.isType(type) }?.target ?? fallback
        }
        let styles = DOCXStyles(try package.optionalXML(related("styles", "word/styles.xml")))
        let root = try package.requiredXML(main)
        guard let body = root.firstChild(named: "body") else {
            throw CorpusError.officeMalformed(format: .docx, reason: .missingElement(part: main, element: "w:body"))
        }
        var reader = DOCXBodyReader(styles: styles)
        reader.walk(body, anchor: nil)
        reader.attachTrailingCaptions()
        var blocks = reader.blocks
        if includeNotes {
            blocks += try notes(package, part: related("footnotes", "word/footnotes.xml"), element: "footnote",
                                order: reader.footnoteRefs, label: "footnote")
            blocks += try notes(package, part: related("endnotes", "word/endnotes.xml"), element: "endnote",
                                order: reader.endnoteRefs, label: "endnote")
        }
        let title = try package.coreTitle() ?? reader.titleParagraph
            ?? blocks.first { $0.kind == .heading(level: 1) }?.text
        return Document(title: title, blocks: blocks)
    }

    /// Footnotes or endnotes (17.11), one paragraph block each, in the order the body cites them.
    /// Separator notes and notes no longer referenced are left out.
    private static func notes(_ package: OfficePackage, part: String, element: String, order: [String],
                              label: String) throws -> [Block] {
        guard !order.isEmpty, let root = try package.optionalXML(part) else { return [] }
        var byID: [String: XMLElement] = [:]
        for n in root.children(named: element) where (n.attr("type") ?? "normal") == "normal" {
            if let id = n.attr("id"), byID[id] == nil { byID[id] = n }
        }
        var out: [Block] = []
        var seen: Set<String> = []
        for id in order where seen.insert(id).inserted {
            guard let note = byID[id] else { continue }
            let text = DOCXTables.cellText(note)
            if !text.isEmpty { out.append(Block(.paragraph, text, span: SourceSpan(locator: "\(label) \(seen.count)"))) }
        }
        return out
    }
}

/// Walks block-level content (w:body, text boxes) in order, building blocks.
struct DOCXBodyReader {
    let styles: DOCXStyles
    private(set) var blocks: [Block] = []
    /// Parallel to `blocks`: the block is a paragraph styled as a caption.
    private var isCaption: [Bool] = []
    private var paragraphs = 0
    private var tables = 0
    private(set) var footnoteRefs: [String] = []
    private(set) var endnoteRefs: [String] = []
    /// The first paragraph styled "Title": the document title when core properties have none.
    private(set) var titleParagraph: String?

    init(styles: DOCXStyles) { self.styles = styles }

    /// `anchor` is the number of the paragraph holding a text box being read, nil for the body.
    mutating func walk(_ container: XMLElement, anchor: Int?) {
        for e in container.elements {
            switch e.name {
            case "p": paragraph(e, anchor: anchor)
            case "tbl": table(e, anchor: anchor)
            case "sdt": if let c = e.firstChild(named: "sdtContent") { walk(c, anchor: anchor) }
            case "customXml", "ins", "moveTo": walk(e, anchor: anchor)
            case "AlternateContent":
                if let c = e.firstChild(named: "Choice") ?? e.firstChild(named: "Fallback") { walk(c, anchor: anchor) }
            default: continue // sectPr, del, moveFrom, altChunk, bookmarks, permissions
            }
        }
    }

    private mutating func paragraph(_ p: XMLElement, anchor: Int?) {
        let number: Int
        if let anchor { number = anchor } else { paragraphs += 1; number = paragraphs }
        let content = DOCXParagraphText(p)
        footnoteRefs += content.footnoteRefs
        endnoteRefs += content.endnoteRefs
        let text = content.text
        if !text.isEmpty {
            let pPr = p.firstChild(named: "pPr")
            let span = SourceSpan(locator: "paragraph \(number)")
            switch styles.role(pPr) {
            case let .heading(level):
                let line = text.replacingLineBreaks()
                if titleParagraph == nil, styles.isTitle(pPr) { titleParagraph = line }
                append(Block(.heading(level: level), line, span: span))
            case .listItem: append(Block(.listItem, text, span: span))
            case .caption: append(Block(.paragraph, text, span: span), caption: true)
            case .body: append(Block(.paragraph, text, span: span))
            }
        }
        for box in content.textBoxes { walk(box, anchor: number) }
    }

    private mutating func table(_ tbl: XMLElement, anchor: Int?) {
        if anchor == nil { tables += 1 }
        let (_, rows) = DOCXTables.render(tbl)
        var caption: String?
        // A caption paragraph right before the table belongs to it (Word's default placement
        // for tables is above; after is handled in attachTrailingCaptions).
        if isCaption.last == true, let last = blocks.last {
            caption = last.text.replacingLineBreaks()
            blocks.removeLast()
            isCaption.removeLast()
        }
        guard !rows.isEmpty || caption != nil else { return }
        let text = ([caption].compactMap { $0 } + rows).joined(separator: "\n")
        let locator = anchor.map { "paragraph \($0)" } ?? "table \(tables)"
        append(Block(.table(caption: caption, rows: rows), text, span: SourceSpan(locator: locator)))
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

    private mutating func append(_ b: Block, caption: Bool = false) {
        blocks.append(b)
        isCaption.append(caption)
    }
}
