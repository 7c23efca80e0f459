// WordprocessingML details on hand-built documents: styles resolved through basedOn chains and
// localized ids, direct outline levels, numbering switched off, hidden text, symbols, markup
// compatibility, text boxes, content controls and table grids with gaps and header rows.
import Corpus
import Testing

@Suite struct OfficeWordTests {
    static func p(_ text: String, style: String? = nil, pPr: String = "") -> String {
        let styleXML = style.map { "<w:pStyle w:val=\"\($0)\"/>" } ?? ""
        return "<w:p><w:pPr>\(styleXML)\(pPr)</w:pPr><w:r><w:t xml:space=\"preserve\">\(text)</w:t></w:r></w:p>"
    }

    static func kinds(_ doc: Document) -> [String] {
        doc.blocks.map { b in
            switch b.kind {
            case let .heading(l): return "h\(l) \(b.text)"
            case .listItem: return "li \(b.text)"
            case .table: return "table \(b.text)"
            default: return "p \(b.text)"
            }
        }
    }

    @Test func stylesDecideHeadingsAndLists() throws {
        // German Word: ids are localized, names stay the English built-in ones.
        let styles = """
            <w:style w:type="paragraph" w:default="1" w:styleId="Standard"><w:name w:val="Normal"/></w:style>\
            <w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/><w:basedOn w:val="Standard"/></w:style>\
            <w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:basedOn w:val="Standard"/>\
            <w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>\
            <w:style w:type="paragraph" w:styleId="Unterkapitel"><w:name w:val="Unterkapitel"/><w:basedOn w:val="Kapitel"/></w:style>\
            <w:style w:type="paragraph" w:styleId="Aufzaehlung"><w:name w:val="Aufzaehlung"/>\
            <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>\
            <w:style w:type="paragraph" w:styleId="Loop"><w:name w:val="Loop"/><w:basedOn w:val="Loop"/></w:style>
            """
        let body = [
            Self.p("Localized", style: "berschrift2"),
            Self.p("Outline from style", style: "Kapitel"),
            Self.p("Inherited outline", style: "Unterkapitel"),
            Self.p("Direct outline", pPr: "<w:outlineLvl w:val=\"3\"/>"),
            Self.p("Body text level", style: "Kapitel", pPr: "<w:outlineLvl w:val=\"9\"/>"),
            Self.p("Bullet from style", style: "Aufzaehlung"),
            Self.p("Numbering switched off", style: "Aufzaehlung", pPr: "<w:numPr><w:numId w:val=\"0\"/></w:numPr>"),
            Self.p("Direct numbering", pPr: "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr>"),
            Self.p("Style loop", style: "Loop"),
            Self.p("Unknown style id", style: "Heading3"),
        ].joined()
        let doc = try DOCXExtractor.extract(PackageBuilder.docx(body: body, styles: styles))
        #expect(Self.kinds(doc) == ["h2 Localized", "h1 Outline from style", "h1 Inherited outline", "h4 Direct outline",
                                    "p Body text level", "li Bullet from style", "p Numbering switched off",
                                    "li Direct numbering", "p Style loop", "h3 Unknown style id"])
        #expect(doc.title == "Outline from style")
    }

    @Test func runContent() throws {
        let body = """
            <w:p><w:r><w:t>Visible</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>HIDDEN</w:t></w:r>\
            <w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t xml:space="preserve"> shown</w:t></w:r>\
            <w:r><w:t xml:space="preserve"> </w:t><w:sym w:font="Symbol" w:char="03A9"/><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>\
            <w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="wps">\
            <w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r></mc:Choice>\
            <mc:Fallback><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></mc:Fallback>\
            </mc:AlternateContent><w:r><w:t>Anchor text</w:t></w:r></w:p>\
            <w:sdt><w:sdtPr><w:alias w:val="Control"/></w:sdtPr><w:sdtContent>\(Self.p("Inside a content control"))</w:sdtContent></w:sdt>\
            <w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t><w:br w:type="page"/><w:t>after page</w:t></w:r></w:p>
            """
        let doc = try DOCXExtractor.extract(PackageBuilder.docx(body: body))
        #expect(doc.blocks.map(\.text) == ["Visible shown Ω", "Anchor text", "Boxed note", "Inside a content control",
                                           "Line one\nline two after page"])
        #expect(doc.blocks.map { $0.span.locator ?? "" } == ["paragraph 1", "paragraph 2", "paragraph 2", "paragraph 3", "paragraph 4"])
    }

    @Test func tableGrids() throws {
        func cell(_ t: String, _ tcPr: String = "") -> String { "<w:tc><w:tcPr>\(tcPr)</w:tcPr>\(Self.p(t))</w:tc>" }
        let header = "<w:trPr><w:tblHeader/></w:trPr>"
        let body = """
            <w:tbl><w:tr>\(header)\(cell("Region", "<w:gridSpan w:val=\"2\"/>"))\(cell("Total"))</w:tr>\
            <w:tr>\(header)\(cell("Country"))\(cell("City"))\(cell(""))</w:tr>\
            <w:tr>\(cell("Peru"))\(cell("Lima"))\(cell("10"))</w:tr>\
            <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>\(cell("Cusco"))\(cell("4"))</w:tr>\
            <w:tr>\(cell("Chile", "<w:gridSpan w:val=\"99999\"/>"))</w:tr></w:tbl>
            """
        let doc = try DOCXExtractor.extract(PackageBuilder.docx(body: body))
        guard case let .table(caption, rows)? = doc.blocks.first?.kind else { Issue.record("no table"); return }
        #expect(caption == nil)
        #expect(rows == ["Region Country: Peru; Region City: Lima; Total: 10", "Region City: Cusco; Total: 4", "Region Country: Chile"])
        #expect(doc.blocks.first?.span.locator == "table 1")
    }
}
