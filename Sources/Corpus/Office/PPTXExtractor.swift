// PPTX (PresentationML, ECMA-376 Part 1, 19) to blocks: slides in presentation order, each opened by
// its title as a heading, then its text frames and tables in shape order, then its speaker notes.
// Text bodies and tables are DrawingMLText's.
import XML

/// Extracts the text of PowerPoint presentations (.pptx, .pptm, .potx, .ppsx).
///
/// Every block of slide N has `span.page == N` and locator "slide N", so a chunk never spans two
/// slides and a citation names the slide (as printing or PDF export numbers it).
public enum PPTXExtractor {
    /// - Parameter includeNotes: append each slide's speaker notes after its content.
    /// - Throws: `CorpusError.officeCompoundFile`, `.officePartMissing` (presentation or a listed
    ///   slide), `.officePartMalformed`, `.officeWrongType`, and the ZIP reader's errors.
    public static func extract(_ bytes: [UInt8], includeNotes: Bool = true, limits: OfficeLimits = .standard) throws -> Document {
        let package = try OfficePackage(bytes, format: .pptx, limits: limits)
        let main = try package.mainPart(fallback: "ppt/presentation.xml", accepted: ["presentationml", "ms-powerpoint"])
        let presentation = try package.requiredXML(main)
        let targets = try package.relationshipTargets(of: main)
        // 19.2.1.34 sldIdLst: the slides in order, each by relationship id.
        let slideParts = (presentation.firstChild(named: "sldIdLst")?.children(named: "sldId") ?? [])
            .compactMap { relID($0).flatMap { targets[$0] } }
        var blocks: [Block] = []
        var firstTitle: String?
        for (i, part) in slideParts.enumerated() {
            let n = i + 1
            let slide = try package.requiredXML(part)
            let span = SourceSpan(page: n, locator: "slide \(n)")
            var content = SlideContent()
            if let tree = slide.child("cSld", "spTree") { content.read(tree) }
            let title = content.title.isEmpty ? nil : content.title
            if firstTitle == nil { firstTitle = title }
            blocks.append(Block(.heading(level: 2), title ?? "Slide \(n)", span: span))
            for var b in content.blocks {
                b.span = span
                blocks.append(b)
            }
            if includeNotes {
                let notes = try package.relationships(of: part).first { $0.isType("notesSlide") }?.target
                if let notes, let root = try package.xml(notes), let tree = root.child("cSld", "spTree") {
                    for p in SlideContent.notes(tree) { blocks.append(Block(.paragraph, p, span: span)) }
                }
            }
        }
        return Document(title: try package.coreTitle() ?? firstTitle, blocks: blocks)
    }

    /// The relationship id of an sldId: the attribute `id` in the relationships namespace, which
    /// the tree keeps under its prefix (usually "r:id", but producers may pick another prefix).
    private static func relID(_ sldId: XMLElement) -> String? {
        sldId.attributes.first { $0.name.hasSuffix(":id") }?.value
    }
}

/// What one slide's shape tree says, in shape order (19.3.1.45 spTree).
struct SlideContent {
    var title = ""
    var blocks: [Block] = []

    mutating func read(_ tree: XMLElement) {
        for e in tree.elements {
            switch e.name {
            case "sp": shape(e)
            case "grpSp": read(e)
            case "graphicFrame": frame(e)
            case "AlternateContent":
                if let c = e.firstChild(named: "Choice") ?? e.firstChild(named: "Fallback") { read(c) }
            default: continue // pictures, connectors, content parts
            }
        }
    }

    /// Placeholder types that repeat slide chrome rather than content (19.7.10 ST_PlaceholderType).
    static let chrome: Set<String> = ["dt", "ftr", "sldNum", "hdr", "sldImg"]

    private mutating func shape(_ sp: XMLElement) {
        let ph = sp.child("nvSpPr", "nvPr", "ph")
        // A placeholder without a type is an "obj" placeholder: a content area with bullets.
        let type = ph.map { $0.attr("type") ?? "obj" }
        if let type, Self.chrome.contains(type) { return }
        guard let txBody = sp.firstChild(named: "txBody") else { return }
        if type == "title" || type == "ctrTitle" {
            let t = DrawingMLText.line(txBody)
            if title.isEmpty { title = t } else if !t.isEmpty { blocks.append(Block(.paragraph, t)) }
            return
        }
        // Bullets come from the paragraph, else from the placeholder's inherited list style: body
        // and content placeholders are bulleted by default, subtitles and text boxes are not.
        let bulletedByDefault = type == "body" || type == "obj"
        for p in DrawingMLText.paragraphs(txBody) {
            let listed = p.bullet ?? (bulletedByDefault || p.level > 0)
            blocks.append(Block(listed ? .listItem : .paragraph, p.text))
        }
    }

    private mutating func frame(_ frame: XMLElement) {
        guard let tbl = frame.child("graphic", "graphicData", "tbl") else { return }
        let (_, rows) = DrawingMLText.table(tbl)
        if !rows.isEmpty { blocks.append(Block(.table(caption: nil, rows: rows), rows.joined(separator: "\n"))) }
    }

    /// The speaker notes of a notes slide: its body placeholder's paragraphs (19.3.1.26).
    static func notes(_ tree: XMLElement) -> [String] {
        var out: [String] = []
        for sp in tree.descendants(named: "sp") where sp.child("nvSpPr", "nvPr", "ph")?.attr("type") == "body" {
            if let txBody = sp.firstChild(named: "txBody") { out += DrawingMLText.paragraphs(txBody).map(\.text) }
        }
        return out
    }
}
