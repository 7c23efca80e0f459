// OpenDocument packages (ODF 1.2 Part 3): the mimetype and manifest checks, meta.xml's title, and
// the dispatch of content.xml's body to the text, spreadsheet or presentation reader.
import XML

/// Extracts the text of OpenDocument text documents, spreadsheets and presentations (.odt, .ods,
/// .odp and their templates); the package's mimetype says which.
///
/// Text documents: headings (text:h), paragraphs, list items, tables ("table N") and text boxes,
/// locators "paragraph N"; notes appended as "footnote N" / "endnote N". Spreadsheets: as
/// `XLSXExtractor` (cells show their displayed text; dates their ISO value). Presentations: as
/// `PPTXExtractor` ("slide N", `span.page` N).
public enum ODFExtractor {
    static let mimetypes = ["application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
                            "application/vnd.oasis.opendocument.presentation"]

    /// - Parameter includeNotes: append footnotes, endnotes and speaker notes.
    /// - Throws: `CorpusError.officeWrongType` (another mimetype: a drawing, a formula, an EPUB),
    ///   `.officeEncrypted` (a password-protected file), `.officePartMissing` (content.xml),
    ///   `.officePartMalformed`, `.officeMalformed` (no office:body), and the ZIP reader's errors.
    public static func extract(_ bytes: [UInt8], includeNotes: Bool = true, limits: OfficeLimits = .standard) throws -> Document {
        let package = try OfficePackage(bytes, format: .odf, limits: limits)
        try checkType(package)
        // Part 3, 4.8: a password-protected package lists encryption data for its encrypted entries.
        if let manifest = try package.optionalXML("META-INF/manifest.xml") {
            for entry in manifest.children(named: "file-entry") where entry.attr("full-path") == "content.xml" {
                if let data = entry.firstChild(named: "encryption-data") {
                    let method = data.firstChild(named: "algorithm")?.attr("algorithm-name") ?? "unknown algorithm"
                    throw CorpusError.officeEncrypted(format: .odf, part: "content.xml", method: method)
                }
            }
        }
        let content = try package.requiredXML("content.xml")
        guard let body = content.firstChild(named: "body") else {
            throw CorpusError.officeMalformed(format: .odf, reason: .missingElement(part: "content.xml", element: "office:body"))
        }
        let styles = ODFStyles([content, try package.optionalXML("styles.xml")])
        var title = try metaTitle(package)
        var blocks: [Block] = []
        if let text = body.firstChild(named: "text") {
            var reader = ODFTextReader(styles: styles)
            reader.walk(text)
            reader.attachTrailingCaptions()
            blocks = reader.blocks
            if includeNotes { blocks += notes(reader.notes) }
            title = title ?? reader.titleParagraph ?? blocks.first { $0.kind == .heading(level: 1) }?.text
        } else if let sheet = body.firstChild(named: "spreadsheet") {
            blocks = ODFSheets.read(sheet, limits: limits)
        } else if let presentation = body.firstChild(named: "presentation") {
            let slides = ODFSlides.read(presentation, styles: styles, includeNotes: includeNotes)
            blocks = slides.blocks
            title = title ?? slides.firstTitle
        } else {
            throw CorpusError.officeMalformed(format: .odf, reason: .missingElement(part: "content.xml",
                                                                                    element: "office:text"))
        }
        return Document(title: title, blocks: blocks)
    }

    /// The mimetype entry (Part 3, 3.3), else the manifest's entry for "/", must name a text,
    /// spreadsheet or presentation document (templates and master documents included).
    private static func checkType(_ package: OfficePackage) throws {
        var declared: String?
        if let m = try package.bytes("mimetype") {
            declared = String(decoding: m, as: UTF8.self).trimmingCharacters()
        } else if let manifest = try package.optionalXML("META-INF/manifest.xml") {
            declared = manifest.children(named: "file-entry").first { $0.attr("full-path") == "/" }?.attr("media-type")
        }
        guard let declared else { return }
        if !mimetypes.contains(where: { declared.hasPrefix($0) }) {
            throw CorpusError.officeWrongType(format: .odf, found: declared)
        }
    }

    /// dc:title from meta.xml (Part 1, 4.3).
    private static func metaTitle(_ package: OfficePackage) throws -> String? {
        guard let meta = try package.optionalXML("meta.xml"), let t = meta.child("meta", "title") else { return nil }
        let title = InlineText.normalize(t.textContent)
        return title.isEmpty ? nil : title
    }

    /// Footnotes and endnotes, each numbered in citation order.
    private static func notes(_ notes: [(footnote: Bool, body: XMLElement)]) -> [Block] {
        var blocks: [Block] = []
        var footnotes = 0, endnotes = 0
        for n in notes {
            let text = ODFTables.cellText(n.body)
            if n.footnote { footnotes += 1 } else { endnotes += 1 }
            guard !text.isEmpty else { continue }
            let locator = n.footnote ? "footnote \(footnotes)" : "endnote \(endnotes)"
            blocks.append(Block(.paragraph, text, span: SourceSpan(locator: locator)))
        }
        return blocks
    }
}
