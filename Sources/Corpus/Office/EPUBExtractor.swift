// EPUB 2 and 3 (OCF 3.0 and OPF, EPUB 3.2): container.xml to the package document, its manifest
// and spine, then each XHTML content document in reading order through HTMLExtractor.
import XML

/// Extracts the text of EPUB e-books.
///
/// Chapters are the spine's XHTML documents in order; each block keeps the line span the HTML
/// extractor found and gets the chapter's path (relative to the package document, e.g.
/// "ch-binary.xhtml") as its locator. Navigation documents, the NCX and anything outside the
/// spine are skipped, as is a navigation document placed in the spine (a table of contents only
/// repeats the headings). The title is the package's first dc:title.
public enum EPUBExtractor {
    /// Content documents the spine may list (OPF 3.2, 3.4.2 core media types; DTBook is not read).
    static let contentTypes: Set<String> = ["application/xhtml+xml", "text/html", "application/xml", "text/xml"]

    /// Encryption methods that obfuscate fonts only (OCF 3.0, 4.2.6.3 and Adobe's variant): the
    /// text stays readable.
    static let fontObfuscation: Set<String> = ["http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"]

    /// - Throws: `CorpusError.officeWrongType` (the mimetype entry names another format),
    ///   `.officePartMissing` (container.xml, the package document or a spine document),
    ///   `.officeMalformed` (`.noRootfile`, `.emptySpine`), `.officeEncrypted` (DRM),
    ///   `.officePartMalformed`, and the ZIP reader's errors.
    public static func extract(_ bytes: [UInt8], limits: OfficeLimits = .standard) throws -> Document {
        let package = try OfficePackage(bytes, format: .epub, limits: limits)
        if let m = try package.bytes("mimetype") {
            let declared = String(decoding: m, as: UTF8.self).trimmingCharacters()
            if declared != "application/epub+zip" { throw CorpusError.officeWrongType(format: .epub, found: declared) }
        }
        let container = try package.requiredXML("META-INF/container.xml")
        let rootfiles = container.firstChild(named: "rootfiles")?.children(named: "rootfile") ?? []
        let opfRef = rootfiles.first { $0.attr("media-type") == "application/oebps-package+xml" } ?? rootfiles.first
        guard let opfPath = opfRef?.attr("full-path").map({ OfficePackage.resolve($0, from: "") }), !opfPath.isEmpty else {
            throw CorpusError.officeMalformed(format: .epub, reason: .noRootfile)
        }
        let opf = try package.requiredXML(opfPath)
        let folder = OfficePackage.folder(of: opfPath)
        let encrypted = try encryptedParts(package)

        var items: [String: (href: String, type: String, nav: Bool)] = [:]
        for item in opf.firstChild(named: "manifest")?.children(named: "item") ?? [] {
            guard let id = item.attr("id"), let href = item.attr("href") else { continue }
            let nav = (item.attr("properties") ?? "").split(separator: " ").contains("nav")
            items[id] = (href, item.attr("media-type") ?? "", nav)
        }
        var chapters: [(part: String, locator: String)] = []
        for ref in opf.firstChild(named: "spine")?.children(named: "itemref") ?? [] {
            guard let id = ref.attr("idref"), let item = items[id], !item.nav, contentTypes.contains(item.type) else { continue }
            let part = OfficePackage.resolve(item.href, from: folder)
            if chapters.contains(where: { $0.part == part }) { continue }
            chapters.append((part, OfficePackage.resolve(item.href, from: "")))
        }
        guard !chapters.isEmpty else { throw CorpusError.officeMalformed(format: .epub, reason: .emptySpine) }

        var blocks: [Block] = []
        var firstTitle: String?
        for chapter in chapters {
            if let method = encrypted[chapter.part] {
                throw CorpusError.officeEncrypted(format: .epub, part: chapter.part, method: method)
            }
            guard let data = try package.bytes(chapter.part) else {
                throw CorpusError.officePartMissing(format: .epub, part: chapter.part)
            }
            // Chapters are XHTML; the HTML parser reads them leniently (EPUB 2 files are often
            // not well-formed) and applies the same chrome rules as any web page.
            let doc: Document
            do {
                doc = try HTMLExtractor.extract(data, path: chapter.part)
            } catch CorpusError.markup(_, .empty) {
                continue
            }
            if firstTitle == nil { firstTitle = doc.title }
            for var b in doc.blocks {
                b.span.locator = chapter.locator
                blocks.append(b)
            }
        }
        let metadata = opf.firstChild(named: "metadata")
        let dcTitle = (metadata?.children(named: "title").first ?? metadata?.firstDescendant(named: "title"))
            .map { InlineText.normalize($0.textContent) }
        return Document(title: dcTitle.flatMap { $0.isEmpty ? nil : $0 } ?? firstTitle, blocks: blocks)
    }

    /// Parts META-INF/encryption.xml lists with a method other than font obfuscation: DRM.
    private static func encryptedParts(_ package: OfficePackage) throws -> [String: String] {
        guard let root = try package.optionalXML("META-INF/encryption.xml") else { return [:] }
        var out: [String: String] = [:]
        for data in root.children(named: "EncryptedData") {
            let method = data.firstChild(named: "EncryptionMethod")?.attr("Algorithm") ?? "unknown"
            guard !fontObfuscation.contains(method),
                  let uri = data.child("CipherData", "CipherReference")?.attr("URI") else { continue }
            out[OfficePackage.resolve(uri, from: "")] = method
        }
        return out
    }
}
