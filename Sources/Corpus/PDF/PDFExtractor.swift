// The PDF extractor's public face: bytes in, a Document of headings, paragraphs and list items out,
// each block citing its 1-based page. Opening is PDFFile, pages PDFPageTree, text PDFContentReader
// and PDFLayout.

/// What reading a PDF produced, with the facts a report or test wants besides the text.
public struct PDFExtraction: Sendable {
    /// The text as blocks, each with `span.page` set; `title` from the /Info dictionary.
    public var document: Document
    /// Pages in the page tree.
    public var pageCount: Int
    /// Pages that yielded at least one block.
    public var pagesWithText: Int
    /// The file was encrypted and opened with the empty user password.
    public var decrypted: Bool
    /// The cross-reference data was broken and rebuilt by scanning the file.
    public var repaired: Bool
    /// Glyphs shown in fonts that gave no Unicode text for them (skipped).
    public var unmappedGlyphs: Int
    /// Fonts with no Unicode mapping at all (e.g. Type0 / Identity-H without /ToUnicode).
    public var fontsWithoutUnicode: Int
}

/// Extracts text from PDF files (ISO 32000-1), defensively: every length and offset is checked,
/// broken cross-references are repaired by scanning, and `PDFLimits` bounds work and memory.
public enum PDFExtractor {
    /// The document's text as blocks with page numbers.
    /// - Throws: `CorpusError.pdfHeaderMissing`, `.pdfEncrypted`, `.pdfMalformed`, `.pdfLimit`, and
    ///   `.pdfNoText` when the file opens but no page yields text.
    public static func extract(_ bytes: [UInt8], limits: PDFLimits = PDFLimits()) throws -> Document {
        let r = try read(bytes, limits: limits)
        if r.document.blocks.isEmpty {
            let reason: PDFNoTextReason = r.fontsWithoutUnicode > 0 ? .fontsWithoutUnicode(fonts: r.fontsWithoutUnicode) : .noTextShown
            throw CorpusError.pdfNoText(pages: r.pageCount, reason: reason)
        }
        return r.document
    }

    /// Reads the file; a file without text gives an extraction with no blocks rather than an error.
    /// - Throws: `CorpusError.pdfHeaderMissing`, `.pdfEncrypted`, `.pdfMalformed`, `.pdfLimit`.
    public static func read(_ bytes: [UInt8], limits: PDFLimits = PDFLimits()) throws -> PDFExtraction {
        let file = try PDFFile(bytes, limits: limits)
        let pages = try PDFPageTree.pages(file)
        let reader = PDFContentReader(file: file)
        var paragraphs: [PDFParagraph] = []
        var pagesWithText = 0
        for (i, page) in pages.enumerated() {
            let content = PDFPageTree.content(page, file: file)
            reader.pieces.removeAll(keepingCapacity: true)
            reader.run(content, resources: page.resources)
            if let f = file.fatal { throw f }
            let ps = PDFLayout.paragraphs(reader.pieces, page: i + 1)
            if !ps.isEmpty { pagesWithText += 1 }
            paragraphs += ps
        }
        let blocks = classify(paragraphs)
        let document = Document(title: title(file), blocks: blocks)
        return PDFExtraction(document: document, pageCount: pages.count, pagesWithText: pagesWithText,
                             decrypted: file.security != nil, repaired: file.rebuilt,
                             unmappedGlyphs: reader.unmappedGlyphs, fontsWithoutUnicode: reader.fontsWithoutUnicode.count)
    }

    /// Paragraphs to blocks: a short paragraph set clearly larger than the body text is a heading
    /// (level by how much larger); one starting with a bullet is a list item.
    static func classify(_ paragraphs: [PDFParagraph]) -> [Block] {
        var weight: [Int: Int] = [:]
        for p in paragraphs { weight[Int((min(p.size, 10_000) * 2).rounded()), default: 0] += p.text.count }
        let body = Double(weight.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? 0) / 2
        return paragraphs.compactMap { p in
            let span = SourceSpan(page: p.page)
            guard !p.text.isEmpty else { return nil }
            if body > 0, p.size >= body * 1.15, p.text.count <= 200, p.lines <= 3,
               p.text.contains(where: { $0.isLetter }) {
                let ratio = p.size / body
                let level = ratio >= 1.6 ? 1 : ratio >= 1.3 ? 2 : 3
                return Block(.heading(level: level), p.text, span: span)
            }
            if PDFLayout.startsWithBullet(p.text) {
                return Block(.listItem, String(p.text.dropFirst(2)), span: span)
            }
            return Block(.paragraph, p.text, span: span)
        }
    }

    /// /Info /Title as a text string (§7.9.2.2): UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding.
    static func title(_ file: PDFFile) -> String? {
        guard let b = file.resolveDict(file.trailer["Info"]).flatMap({ file.resolve($0["Title"]).bytes }) else { return nil }
        let t = PDFLayout.normalize(textString(b))
        return t.isEmpty ? nil : t
    }

    static func textString(_ b: [UInt8]) -> String {
        if b.count >= 2 && b[0] == 0xFE && b[1] == 0xFF {
            var units: [UInt16] = []
            var i = 2
            while i + 1 < b.count { units.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])); i += 2 }
            return String(decoding: units, as: UTF16.self)
        }
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: b.dropFirst(3), as: UTF8.self) }
        var s = String.UnicodeScalarView()
        for x in b {
            let u = PDFEncodings.pdfDoc[Int(x)]
            if u != 0, let scalar = Unicode.Scalar(UInt32(u)) { s.append(scalar) }
        }
        return String(s)
    }
}
