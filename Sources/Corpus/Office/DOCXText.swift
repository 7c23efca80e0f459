// The text of one WordprocessingML paragraph: runs in order with tabs, breaks and special hyphens,
// tracked insertions kept and deletions dropped, field codes left out, text boxes handed back to
// be read as blocks of their own. Block structure is DOCXExtractor's.
import XML

struct DOCXParagraphText {
    /// Raw text: whitespace collapsed later by InlineText.normalize; NUL marks a line break.
    private(set) var raw = ""
    /// Text-box contents (w:txbxContent) met inside the paragraph, read after it as blocks.
    private(set) var textBoxes: [XMLElement] = []
    /// w:footnoteReference / w:endnoteReference ids in reading order.
    private(set) var footnoteRefs: [String] = []
    private(set) var endnoteRefs: [String] = []

    init(_ p: XMLElement) {
        walk(p)
    }

    var text: String { InlineText.normalize(raw) }

    private mutating func walk(_ e: XMLElement) {
        for case let .element(c) in e.children { visit(c) }
    }

    private mutating func visit(_ e: XMLElement) {
        switch e.name {
        case "t":
            raw += e.textContent
        case "tab", "ptab":
            raw += "\t"
        case "br":
            // Page and column breaks (17.3.3.1) separate words; text-wrapping breaks are line breaks.
            let type = e.attr("type") ?? "textWrapping"
            raw.append(type == "textWrapping" ? InlineBuffer.lineBreak : " ")
        case "cr":
            raw.append(InlineBuffer.lineBreak)
        case "noBreakHyphen":
            raw += "-"
        case "sym":
            // A symbol-font character (17.3.3.30). Codes F000-F0FF are the font's private mapping
            // (Wingdings ticks, arrows) and carry no searchable meaning.
            if let hex = e.attr("char"), let v = UInt32(hex, radix: 16), !(0xF000...0xF0FF).contains(v),
               let s = Unicode.Scalar(v) {
                raw.unicodeScalars.append(s)
            }
        case "footnoteReference":
            if let id = e.attr("id") { footnoteRefs.append(id) }
        case "endnoteReference":
            if let id = e.attr("id") { endnoteRefs.append(id) }
        case "txbxContent":
            textBoxes.append(e)
        case "AlternateContent":
            // Markup compatibility (ECMA-376 Part 3, 10.2): the first Choice and its Fallback hold
            // the same content twice (e.g. a text box as DrawingML and as VML); read one of them.
            if let choice = e.firstChild(named: "Choice") ?? e.firstChild(named: "Fallback") { walk(choice) }
        case "r":
            // Hidden text (w:vanish, 17.3.2.41) is not shown to readers.
            if let v = e.child("rPr", "vanish"), !Self.isOff(v) { return }
            walk(e)
        case "pPr", "rPr", "del", "delText", "moveFrom", "instrText", "delInstrText", "fldChar",
             "commentReference", "annotationRef", "footnoteRef", "endnoteRef", "separator",
             "continuationSeparator", "lastRenderedPageBreak", "softHyphen", "proofErr",
             "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd":
            // Deletions (17.13.5.14, 17.13.5.22) and field instructions (17.16.23) are not
            // document text; the rest are markers without text.
            return
        default:
            // hyperlink, ins, moveTo, smartTag, customXml, fldSimple, sdt/sdtContent, dir, bdo,
            // math (m:r/m:t) and drawings: their runs are the text.
            walk(e)
        }
    }

    /// An on/off property is on unless w:val says false (17.17.4 ST_OnOff).
    static func isOff(_ e: XMLElement) -> Bool {
        guard let v = e.attr("val") else { return false }
        return v == "0" || v == "false" || v == "off"
    }
}
