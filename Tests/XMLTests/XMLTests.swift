// The libxml2 wrapper: well-formed and malformed XML with exact error cases and lines, attacks
// (XXE, billion laughs, deep nesting) refused or bounded, HTML recovery, encodings, line numbers.
import Testing
import XML

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct XMLParseTests {
    @Test func wellFormedTree() throws {
        let doc = try XMLDocument.parseXML(bytes("""
            <?xml version="1.0"?>
            <catalog xmlns="urn:x" xmlns:y="urn:y">
              <title lang="en">Hello &amp; <![CDATA[<raw>]]> world</title>
              <!-- a comment -->
              <?pi data?>
              <y:item xml:lang="fr" id="2">Two</y:item>
            </catalog>
            """))
        #expect(doc.kind == .xml)
        #expect(doc.root.name == "catalog")
        #expect(doc.root.namespace == "urn:x")
        #expect(doc.root.line == 2 && doc.root.endLine == 7)
        let title = try #require(doc.root.firstChild(named: "title"))
        #expect(title.textContent == "Hello & <raw> world")
        #expect(title.attribute("lang") == "en")
        #expect(title.line == 3)
        let item = try #require(doc.root.firstChild(named: "item"))
        #expect(item.namespace == "urn:y")
        #expect(item.attribute("xml:lang") == "fr" && item.attribute("id") == "2")
        #expect(item.line == 6)
        #expect(doc.root.elements.map(\.name) == ["title", "item"], "comments and PIs are not kept")
    }

    @Test func mismatchedTagHasItsLine() throws {
        let e = #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes("<a>\n<b>\n</a>\n")) }
        guard case let .mismatchedTag(open, close, line, _) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(open == "b" && close == "a" && line == 3)
    }

    @Test func undefinedEntityAndUnexpectedEnd() throws {
        let e1 = #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes("<a>\n\n&nope;</a>")) }
        #expect(e1 == .undefinedEntity(name: "nope", line: 3, column: e1?.column ?? 0))
        let e2 = #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes("<a>\n<b>text</b>\n")) }
        if case .unexpectedEnd = e2 {} else { Issue.record("got \(String(describing: e2))") }
        #expect(e2?.line == 3)
    }

    @Test func otherMalformedInputAndEmpty() throws {
        let e = #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes("<a x=1/>")) }
        if case let .malformed(code, message, line, _) = e { #expect(code > 0 && !message.isEmpty && line == 1) } else { Issue.record("got \(String(describing: e))") }
        #expect(throws: XMLError.empty) { try XMLDocument.parseXML([]) }
        #expect(throws: XMLError.empty) { try XMLDocument.parseXML(bytes(" \n\t")) }
        #expect(throws: XMLError.noRootElement) { try XMLDocument.parseXML(bytes("<!-- only a comment -->")) }
        #expect(throws: XMLError.binary(offset: 3)) { try XMLDocument.parseXML([0x3C, 0x61, 0x3E, 0, 1, 2]) }
        #expect(throws: XMLError.tooLarge(size: 20, limit: 10)) {
            try XMLDocument.parseXML(bytes("<a>0123456789012</a>"), limits: XMLLimits(maxBytes: 10))
        }
    }

    @Test func recoverModeSalvagesText() throws {
        let doc = try XMLDocument.parseXML(bytes("<a><b>one</a><c>two"), recover: true)
        #expect(doc.root.textContent.contains("one"))
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        // XXE: a SYSTEM entity pointing at a local file, a parameter entity, and a DTD.
        let attacks = [
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
            "<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><x>a</x>",
            "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x>b</x>",
        ]
        for attack in attacks {
            for recover in [false, true] {
                if let doc = try? XMLDocument.parseXML(bytes(attack), recover: recover) {
                    #expect(!doc.root.textContent.contains("root:"), "\(attack) leaked /etc/passwd")
                }
            }
        }
    }

    @Test func internalEntitiesExpand() throws {
        let doc = try XMLDocument.parseXML(bytes("<!DOCTYPE x [<!ENTITY co \"Acme &amp; Sons\"><!ENTITY b \"<b>bold &co;</b>\">]><x a=\"&co;\">We are &co;; &b;.</x>"))
        #expect(doc.root.textContent == "We are Acme & Sons; bold Acme & Sons.")
        #expect(doc.root.attribute("a") == "Acme &amp; Sons" || doc.root.attribute("a") == "Acme & Sons")
        #expect(doc.root.elements.first?.name == "b")
    }

    @Test func billionLaughsIsRefusedQuickly() throws {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 { dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let attack = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(dtd)]><lolz>&lol9;</lolz>"
        let start = ContinuousClock.now
        for recover in [false, true] {
            #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes(attack), recover: recover) }
        }
        let e = #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes(attack)) }
        if case .entityExpansion = e {} else { Issue.record("expected entityExpansion, got \(String(describing: e))") }
        #expect(ContinuousClock.now - start < .seconds(5))
        // A smaller amplification that libxml2 lets through is still bounded by our budget.
        var small = "<!ENTITY a0 \"0123456789\">"
        for i in 1...4 { small += "<!ENTITY a\(i) \"" + String(repeating: "&a\(i - 1);", count: 10) + "\">" }
        let amp = "<!DOCTYPE r [\(small)]><r>&a4;&a4;</r>"
        #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes(amp), limits: XMLLimits(maxEntityExpansion: 100_000)) }
    }

    @Test func deepNestingIsBounded() throws {
        let depth = 100_000
        let deep = String(repeating: "<d>", count: depth) + "x" + String(repeating: "</d>", count: depth)
        let e = #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes(deep)) }
        if case .tooDeep = e {} else { Issue.record("got \(String(describing: e))") }
        let shallow = String(repeating: "<d>", count: 50) + "x" + String(repeating: "</d>", count: 50)
        #expect(throws: XMLError.self) { try XMLDocument.parseXML(bytes(shallow), limits: XMLLimits(maxDepth: 20)) }
        #expect(try XMLDocument.parseXML(bytes(shallow)).root.textContent == "x")
        // HTML: libxml2 itself stops building below 256 levels; nothing crashes, text above stays.
        let html = try XMLDocument.parseHTML(bytes("<p>before</p>" + String(repeating: "<div>", count: depth) + "deep text"))
        #expect(html.root.textContent.contains("before"))
        // Below our own (smaller) limit, HTML keeps the text and drops the structure.
        let flat = try XMLDocument.parseHTML(bytes(String(repeating: "<div>", count: 50) + "deep <b>text</b>"), limits: XMLLimits(maxDepth: 20))
        #expect(flat.root.textContent.contains("deep text"))
        #expect(flat.root.descendants(named: "b").isEmpty)
    }

    @Test func encodingsFromDeclarationAndBOM() throws {
        let latin1: [UInt8] = bytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf") + [0xE9] + bytes("</a>")
        let doc = try XMLDocument.parseXML(latin1)
        #expect(doc.root.textContent == "café")
        let utf16: [UInt8] = [0xFF, 0xFE] + "<a>ü</a>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try XMLDocument.parseXML(utf16).root.textContent == "ü")
        #expect(throws: XMLError.unsupportedEncoding(name: "no-such-charset")) {
            try XMLDocument.parseXML(bytes("<?xml version=\"1.0\" encoding=\"no-such-charset\"?><a/>"))
        }
    }

    @Test func concurrentParsesKeepTheirOwnErrors() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    for _ in 0..<50 {
                        if i % 2 == 0 {
                            guard try XMLDocument.parseXML(bytes("<a>\(i)</a>")).root.textContent == "\(i)" else { return false }
                        } else {
                            do { _ = try XMLDocument.parseXML(bytes("<a>\n<b\(i)></a>")); return false }
                            catch let e as XMLError { guard e == .mismatchedTag(open: "b\(i)", close: "a", line: 2, column: e.column ?? 0) else { return false } }
                        }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}

extension XMLError {
    /// The column of the cases that carry one (tests compare everything else exactly).
    var column: Int? {
        switch self {
        case let .entityExpansion(_, c), let .undefinedEntity(_, _, c), let .mismatchedTag(_, _, _, c),
             let .unexpectedEnd(_, c), let .malformed(_, _, _, c):
            return c
        default:
            return nil
        }
    }
}
