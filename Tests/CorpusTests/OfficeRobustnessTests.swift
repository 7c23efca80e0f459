// Broken, hostile and huge office packages: each class of bad input gets its specific CorpusError
// (or sensible output), never a crash or a hang. Mutation fuzzing lives in OfficeMutationTests.
import Corpus
import Testing

@Suite struct OfficeRobustnessTests {
    static let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504)

    @Test func compoundFilesAreLegacyOrEncrypted() {
        #expect(throws: CorpusError.officeCompoundFile(format: .docx, encrypted: false)) {
            try DOCXExtractor.extract(Self.ole2)
        }
        let encrypted = Self.ole2 + Array("EncryptedPackage".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(throws: CorpusError.officeCompoundFile(format: .xlsx, encrypted: true)) {
            try XLSXExtractor.extract(encrypted)
        }
        #expect(throws: CorpusError.officeCompoundFile(format: .pptx, encrypted: false)) {
            try PPTXExtractor.extract(Self.ole2)
        }
        let message = CorpusError.officeCompoundFile(format: .docx, encrypted: false).description
        #expect(message.contains("encrypted or legacy .doc/.xls/.ppt binary format, not supported"))
    }

    @Test func notAZipArchive() {
        #expect(throws: CorpusError.zipCorrupt(reason: .endOfCentralDirectoryNotFound, entry: nil)) {
            try DOCXExtractor.extract(Array("just some text, not a package".utf8))
        }
    }

    @Test(arguments: OfficeFixtures.files)
    func truncatedArchivesFailCleanly(_ name: String) throws {
        let bytes = try OfficeFixtures.bytes(name)
        for cut in [bytes.count / 3, bytes.count / 2, bytes.count - 30] {
            do {
                _ = try OfficeFixtures.extract(Array(bytes.prefix(cut)), name: name)
            } catch is CorpusError {
                continue
            }
            // A cut inside the trailing comment area may still leave a readable archive: fine too.
        }
    }

    @Test func wrongKindOfPackage() throws {
        #expect(throws: CorpusError.officeWrongType(format: .docx, found: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")) {
            try DOCXExtractor.extract(OfficeFixtures.bytes("budget.xlsx"))
        }
        #expect(throws: CorpusError.officeWrongType(format: .odf, found: "application/epub+zip")) {
            try ODFExtractor.extract(OfficeFixtures.bytes("almanac.epub"))
        }
        #expect(throws: CorpusError.officeWrongType(format: .epub, found: "application/vnd.oasis.opendocument.text")) {
            try EPUBExtractor.extract(OfficeFixtures.bytes("report.odt"))
        }
        var drawing = PackageBuilder()
        drawing.add("mimetype", "application/vnd.oasis.opendocument.graphics")
        drawing.add("content.xml", "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>")
        #expect(throws: CorpusError.officeWrongType(format: .odf, found: "application/vnd.oasis.opendocument.graphics")) {
            try ODFExtractor.extract(drawing.archive())
        }
    }

    @Test func missingParts() throws {
        var p = PackageBuilder()
        p.add("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>")
        #expect(throws: CorpusError.officePartMissing(format: .docx, part: "word/document.xml")) { try DOCXExtractor.extract(p.archive()) }
        #expect(throws: CorpusError.officePartMissing(format: .pptx, part: "ppt/presentation.xml")) { try PPTXExtractor.extract(p.archive()) }
        #expect(throws: CorpusError.officePartMissing(format: .xlsx, part: "xl/workbook.xml")) { try XLSXExtractor.extract(p.archive()) }
        #expect(throws: CorpusError.officePartMissing(format: .odf, part: "content.xml")) { try ODFExtractor.extract(p.archive()) }
        #expect(throws: CorpusError.officePartMissing(format: .epub, part: "META-INF/container.xml")) { try EPUBExtractor.extract(p.archive()) }

        let sheetless = PackageBuilder.xlsx(rows: "")
        let archive = try ZipArchive(bytes: sheetless)
        var q = PackageBuilder()
        for e in archive.entries where e.name != "xl/worksheets/sheet1.xml" { q.add(e.name, bytes: try archive.read(e)) }
        #expect(throws: CorpusError.officePartMissing(format: .xlsx, part: "xl/worksheets/sheet1.xml")) { try XLSXExtractor.extract(q.archive()) }

        #expect(throws: CorpusError.officeMalformed(format: .docx, reason: .missingElement(part: "word/document.xml", element: "w:body"))) {
            try DOCXExtractor.extract(PackageBuilder.docx(body: "").replacingBody())
        }
    }

    @Test func epubStructure() throws {
        func epub(container: String, opf: String? = nil, extra: [String: String] = [:]) -> [UInt8] {
            var p = PackageBuilder()
            p.add("mimetype", "application/epub+zip")
            p.add("META-INF/container.xml", container)
            if let opf { p.add("content.opf", opf) }
            for (k, v) in extra.sorted(by: { $0.key < $1.key }) { p.add(k, v) }
            return p.archive()
        }
        let container = "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile full-path=\"content.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>"
        #expect(throws: CorpusError.officeMalformed(format: .epub, reason: .noRootfile)) {
            try EPUBExtractor.extract(epub(container: "<container><rootfiles/></container>"))
        }
        #expect(throws: CorpusError.officePartMissing(format: .epub, part: "content.opf")) {
            try EPUBExtractor.extract(epub(container: container))
        }
        let opf = """
            <package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/><manifest>\
            <item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>\
            <item id="img" href="cover.png" media-type="image/png"/></manifest><spine>%@</spine></package>
            """
        #expect(throws: CorpusError.officeMalformed(format: .epub, reason: .emptySpine)) {
            try EPUBExtractor.extract(epub(container: container, opf: opf.replacing("%@", with: "<itemref idref=\"img\"/>")))
        }
        #expect(throws: CorpusError.officePartMissing(format: .epub, part: "c1.xhtml")) {
            try EPUBExtractor.extract(epub(container: container, opf: opf.replacing("%@", with: "<itemref idref=\"c1\"/>")))
        }
        // DRM: the chapter is listed in encryption.xml with a real cipher, not font obfuscation.
        let encryption = """
            <encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">\
            <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>\
            <enc:CipherData><enc:CipherReference URI="c1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>
            """
        #expect(throws: CorpusError.officeEncrypted(format: .epub, part: "c1.xhtml", method: "http://www.w3.org/2001/04/xmlenc#aes128-cbc")) {
            try EPUBExtractor.extract(epub(container: container, opf: opf.replacing("%@", with: "<itemref idref=\"c1\"/>"),
                                           extra: ["META-INF/encryption.xml": encryption, "c1.xhtml": "\u{1}\u{2}garbage"]))
        }
    }

    @Test func passwordProtectedODF() throws {
        var p = PackageBuilder()
        p.add("mimetype", "application/vnd.oasis.opendocument.text")
        p.add("META-INF/manifest.xml", """
            <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">\
            <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>\
            <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">\
            <manifest:encryption-data><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>\
            </manifest:encryption-data></manifest:file-entry></manifest:manifest>
            """)
        p.add("content.xml", "\u{7}\u{3}not xml at all")
        #expect(throws: CorpusError.officeEncrypted(format: .odf, part: "content.xml", method: "http://www.w3.org/2001/04/xmlenc#aes256-cbc")) {
            try ODFExtractor.extract(p.archive())
        }
    }

    @Test func encryptedZipEntry() throws {
        var p = PackageBuilder()
        p.add("word/document.xml", "<w:document xmlns:w=\"w\"><w:body/></w:document>")
        p.builder.items[0].flags = 1
        #expect(throws: CorpusError.encrypted(entry: "word/document.xml")) { try DOCXExtractor.extract(p.archive()) }
    }

    @Test func zipBombsAreRefused() throws {
        // 2.6 MB of zeros from about 2.5 KB: past the 200:1 ratio limit.
        let raw = Array(repeating: UInt8(0), count: 1 + 258 * 10_000)
        var p = PackageBuilder()
        p.builder.deflated("word/document.xml", DeflateSamples.zeros(matches: 10_000), raw: raw)
        #expect(throws: CorpusError.self) { try DOCXExtractor.extract(p.archive()) }
        do {
            _ = try DOCXExtractor.extract(p.archive())
        } catch let e as CorpusError {
            guard case let .ratioExceeded(entry, _, limit) = e, entry == "word/document.xml", limit == 200 else {
                Issue.record("\(e)")
                return
            }
        }
        let small = OfficeLimits(zip: ZipLimits(maxEntrySize: 1 << 20))
        #expect(throws: CorpusError.zipBomb(entry: "word/document.xml", declared: raw.count, limit: 1 << 20)) {
            try DOCXExtractor.extract(p.archive(), limits: small)
        }
    }

    @Test func brokenXMLIsSpecific() throws {
        let binary = PackageBuilder.docx(body: "").replacingDocument(with: [0x3C, 0x77, 0, 1, 2, 3, 0, 0])
        #expect(throws: CorpusError.officePartMalformed(format: .docx, part: "word/document.xml", error: .binary(offset: 2))) {
            try DOCXExtractor.extract(binary)
        }
        // Not well-formed: recover mode salvages the text that is there.
        let cut = PackageBuilder.docx(body: "").replacingDocument(with: Array(
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Salvaged text</w:t></w:r></w:p><w:p><w:r>".utf8))
        #expect(try DOCXExtractor.extract(cut).plainText == "Salvaged text")
        // External entities are never loaded (no XXE).
        let xxe = PackageBuilder.docx(body: "").replacingDocument(with: Array("""
            <?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>\
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>A&e;B</w:t></w:r></w:p></w:body></w:document>
            """.utf8))
        let text = (try? DOCXExtractor.extract(xxe).plainText) ?? ""
        #expect(!text.contains("root:"))
    }

    @Test func hundredThousandParagraphs() throws {
        var body = ""
        body.reserveCapacity(100_000 * 60)
        for i in 1...100_000 { body += "<w:p><w:r><w:t>Paragraph number \(i) of the long report.</w:t></w:r></w:p>" }
        let clock = ContinuousClock()
        let start = clock.now
        let doc = try DOCXExtractor.extract(PackageBuilder.docx(body: body))
        let elapsed = clock.now - start
        print("100k-paragraph DOCX: \(doc.blocks.count) blocks in \(elapsed)")
        #expect(doc.blocks.count == 100_000)
        #expect(doc.blocks.last?.span.locator == "paragraph 100000")
        #expect(elapsed < .seconds(30))
    }
}

extension Array where Element == UInt8 {
    /// A DOCX package (from PackageBuilder.docx) with its document part replaced by `bytes`.
    func replacingDocument(with bytes: [UInt8]) -> [UInt8] {
        guard let archive = try? ZipArchive(bytes: self) else { return self }
        var p = PackageBuilder()
        for e in archive.entries {
            p.add(e.name, bytes: e.name == "word/document.xml" ? bytes : ((try? archive.read(e)) ?? []))
        }
        return p.archive()
    }

    /// A DOCX package whose document has no w:body.
    func replacingBody() -> [UInt8] {
        replacingDocument(with: Array("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>".utf8))
    }
}
