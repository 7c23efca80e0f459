// Helpers for the office and e-book tests: the extractor for a file name, fixture loading, the
// expectations written by scripts/fixtures/make_office_fixtures.py, and a ZIP package builder.
import Corpus
import JSON
import Posix
import TestSupport

enum OfficeFixtures {
    static let directory = Paths.fixtures + "/office"

    static let files = ["report.docx", "deck.pptx", "budget.xlsx", "ledger.xlsx", "inline.xlsx",
                        "report.odt", "budget.ods", "deck.odp", "almanac.epub", "tales.epub"]

    static func bytes(_ name: String) throws -> [UInt8] { try FileSystem.read(directory + "/" + name) }

    /// Extracts `bytes` with the extractor a file called `name` would get.
    static func extract(_ bytes: [UInt8], name: String, limits: OfficeLimits = .standard) throws -> Document {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "docx": return try DOCXExtractor.extract(bytes, limits: limits)
        case "pptx": return try PPTXExtractor.extract(bytes, limits: limits)
        case "xlsx": return try XLSXExtractor.extract(bytes, limits: limits)
        case "epub": return try EPUBExtractor.extract(bytes, limits: limits)
        default: return try ODFExtractor.extract(bytes, limits: limits)
        }
    }

    /// A block as the expectation files spell it.
    static func describe(_ b: Block) -> [String: String] {
        var d: [String: String] = ["text": b.text, "locator": b.span.locator ?? "-"]
        switch b.kind {
        case let .heading(level): d["kind"] = "heading-\(level)"
        case .paragraph: d["kind"] = "paragraph"
        case .listItem: d["kind"] = "list-item"
        case .code: d["kind"] = "code"
        case .table: d["kind"] = "table"
        }
        if let p = b.span.page { d["page"] = String(p) }
        return d
    }

    struct Expected {
        var title: String?
        var blocks: [[String: String]]
    }

    static func expected(_ name: String) throws -> Expected {
        let json = try JSON.parse(try bytes(name + ".expected.json"))
        let blocks = (json["blocks"]?.arrayValue ?? []).map { b -> [String: String] in
            var d: [String: String] = [:]
            for (k, v) in b.objectValue ?? JSONObject() {
                d[k] = v.stringValue ?? v.intValue.map(String.init) ?? "?"
            }
            return d
        }
        return Expected(title: json["title"]?.stringValue, blocks: blocks)
    }
}

/// Hand-made packages: a ZIP of stored entries (ZipBuilder) holding the parts a test needs.
struct PackageBuilder {
    var builder = ZipBuilder()

    mutating func add(_ name: String, _ text: String) { builder.stored(name, Array(text.utf8)) }
    mutating func add(_ name: String, bytes: [UInt8]) { builder.stored(name, bytes) }

    func archive() -> [UInt8] { builder.build().bytes }

    /// A minimal DOCX whose body is `body` (w:p/w:tbl elements), with `parts` added.
    static func docx(body: String, styles: String? = nil, parts: [String: String] = [:]) -> [UInt8] {
        var p = PackageBuilder()
        p.add("[Content_Types].xml", """
            <?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
            </Types>
            """)
        p.add("_rels/.rels", """
            <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
            </Relationships>
            """)
        p.add("word/document.xml", """
            <?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(body)</w:body></w:document>
            """)
        if let styles {
            p.add("word/styles.xml", """
                <?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\(styles)</w:styles>
                """)
        }
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) { p.add(name, text) }
        return p.archive()
    }

    /// A minimal XLSX with one sheet called `name` whose sheetData is `rows`.
    static func xlsx(sheet name: String = "Data", rows: String, styles: String? = nil, strings: String? = nil) -> [UInt8] {
        var p = PackageBuilder()
        p.add("_rels/.rels", """
            <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        p.add("xl/workbook.xml", """
            <?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
            <sheet name="\(name)" sheetId="1" r:id="rId1"/></sheets></workbook>
            """)
        p.add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
            </Relationships>
            """)
        p.add("xl/worksheets/sheet1.xml", """
            <?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\(rows)</sheetData></worksheet>
            """)
        if let styles { p.add("xl/styles.xml", "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\(styles)</styleSheet>") }
        if let strings { p.add("xl/sharedStrings.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\(strings)</sst>") }
        return p.archive()
    }
}
