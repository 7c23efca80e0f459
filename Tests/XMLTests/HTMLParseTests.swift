// libxml2's HTML parser through our wrapper: recovery from broken markup, lowercased names,
// encoding choice (BOM, <meta>, UTF-8, windows-1252) and start/end line numbers.
import Testing
import XML

@Suite struct HTMLParseTests {
    @Test func brokenMarkupRecovers() throws {
        let doc = try XMLDocument.parseHTML(bytes("<P CLASS=x>one<b>two<i>three</p>four</b><table><tr><td>cell<div>five"))
        #expect(doc.kind == .html)
        #expect(doc.root.name == "html")
        let text = doc.root.textContent
        for word in ["one", "two", "three", "four", "cell", "five"] { #expect(text.contains(word), "\(word) in \(text)") }
        let p = try #require(doc.root.descendants(named: "p").first)
        #expect(p.attribute("class") == "x", "names are lowercased")
    }

    @Test func neverFailsOnGarbageThatIsText() throws {
        for s in ["<", "</", "<<<>>>", "&", "&#xFFFFFFFF;", "<!DOCTYPE", "<![CDATA[x", "<a <b c=\"", "</p></p></p>", "plain text only"] {
            _ = try XMLDocument.parseHTML(bytes(s))
        }
        #expect(throws: XMLError.empty) { try XMLDocument.parseHTML([]) }
        #expect(throws: XMLError.binary(offset: 2)) { try XMLDocument.parseHTML([0x3C, 0x70, 0x00, 0x01]) }
        #expect(try XMLDocument.parseHTML(bytes("<!-- just a comment -->")).root.name == "html")
    }

    @Test func elementLinesAreStartAndEndTags() throws {
        let doc = try XMLDocument.parseHTML(bytes("""
            <html>
            <body>
            <p>first
            paragraph</p>
            <ul>
              <li>a</li>
              <li>b
              </li>
            </ul>
            <p>last</p>
            </body>
            </html>
            """))
        let ps = doc.root.descendants(named: "p")
        #expect(ps.map(\.line) == [3, 10])
        #expect(ps.map(\.endLine) == [4, 10])
        let lis = doc.root.descendants(named: "li")
        #expect(lis.map(\.line) == [6, 7])
        #expect(lis.map(\.endLine) == [6, 8])
        #expect(doc.root.descendants(named: "ul").first?.endLine == 9)
        guard case let .text(t, line)? = ps.first?.children.first else { Issue.record("no text"); return }
        #expect(t == "first\nparagraph" && line == 3)
    }

    @Test func encodingChoice() throws {
        // No declaration, valid UTF-8.
        var doc = try XMLDocument.parseHTML(bytes("<p>naïve — ok</p>"))
        #expect(doc.encoding == "UTF-8" && doc.root.textContent == "naïve — ok")
        // No declaration, not UTF-8: windows-1252 (0x93/0x94 are curly quotes there).
        doc = try XMLDocument.parseHTML(bytes("<p>") + [0x93, 0x63, 0x61, 0x66, 0xE9, 0x94] + bytes("</p>"))
        #expect(doc.encoding == "windows-1252" && doc.root.textContent == "\u{201C}café\u{201D}")
        // <meta charset> wins over the UTF-8 guess.
        doc = try XMLDocument.parseHTML(bytes("<html><head><meta charset=\"ISO-8859-15\"></head><body>") + [0xA4] + bytes("</body></html>"))
        #expect(doc.root.textContent.contains("€"))
        // http-equiv form; a Latin-1 label means windows-1252, as in browsers.
        doc = try XMLDocument.parseHTML(bytes("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>") + [0x80] + bytes("</p>"))
        #expect(doc.encoding == "windows-1252" && doc.root.textContent.contains("€"))
        // XHTML's XML declaration names the encoding too.
        doc = try XMLDocument.parseHTML(bytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<html><body><p>caf") + [0xE9] + bytes("</p></body></html>"))
        #expect(doc.encoding == "windows-1252" && doc.root.textContent.contains("café"))
        // A <meta> that lies (UTF-8 declared, Latin-1 bytes) still parses; libxml2 falls back.
        doc = try XMLDocument.parseHTML(bytes("<meta charset=\"utf-8\"><p>ok caf") + [0xE9, 0x20] + bytes("end</p>"))
        #expect(doc.root.textContent.contains("ok caf") && doc.root.textContent.contains("end"))
        // A BOM wins over everything.
        doc = try XMLDocument.parseHTML([0xEF, 0xBB, 0xBF] + bytes("<meta charset=\"windows-1252\"><p>é</p>"))
        #expect(doc.root.textContent.contains("é"))
        let utf16: [UInt8] = [0xFF, 0xFE] + "<p>ü</p>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try XMLDocument.parseHTML(utf16).root.textContent.contains("ü"))
    }

    @Test func inlineSpacingAndEntitiesSurvive() throws {
        let doc = try XMLDocument.parseHTML(bytes("<p><b>a</b> <i>b</i>&nbsp;&amp;&lt;&eacute;&#x41;</p>"))
        #expect(doc.root.textContent == "a b\u{A0}&<éA")
    }

    @Test func c1ReferencesMeanWindows1252AsInHTML5() throws {
        let doc = try XMLDocument.parseHTML(bytes("<p>it&#146;s &#150; &#128;5 &#x81;</p>"))
        #expect(doc.root.textContent == "it\u{2019}s \u{2013} \u{20AC}5 \u{81}")
    }
}
