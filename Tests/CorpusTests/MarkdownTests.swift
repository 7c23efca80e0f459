// Markdown and plain-text extraction: structure (headings, lists, tables, code), front matter,
// template tags and inline syntax removed, and the line span of every block.
import Corpus
import Testing

@Suite struct MarkdownTests {
    let sample = """
    ---
    title: Leave types
    keywords: a, b
    ---

    {% alert %}
      Use the **chart**.
    {% endalert %}

    # Annual leave

    You earn [annual leave](https://example.com/leave) every pay period.
    It accrues *automatically*.

    ## Rates
    Accrual rates:
    | Years | Hours per period |
    |-------|-----------------:|
    | 0-3   | 4                |
    | 3-15  | 6                |

    * First item
    * Second `item`

    ```sh
    echo hi
    ```
    Setext heading
    --------------
    """

    @Test func extractsStructureWithLineSpans() {
        let doc = MarkdownExtractor.extract(sample)
        #expect(doc.title == "Leave types")
        let kinds = doc.blocks.map { b -> String in
            switch b.kind {
            case let .heading(level): return "h\(level):\(b.text)"
            case .paragraph: return "p:\(b.text)"
            case .listItem: return "li:\(b.text)"
            case .code: return "code:\(b.text)"
            case .table: return "table:\(b.text)"
            }
        }
        #expect(kinds == [
            "p:Use the chart.",
            "h1:Annual leave",
            "p:You earn annual leave every pay period. It accrues automatically.",
            "h2:Rates",
            "table:Accrual rates:\nYears: 0-3; Hours per period: 4\nYears: 3-15; Hours per period: 6",
            "li:First item",
            "li:Second item",
            "code:echo hi",
            "h2:Setext heading",
        ])
        let para = doc.blocks[2]
        #expect(para.span.lineStart == 12)
        #expect(para.span.lineEnd == 13)
        let table = doc.blocks[4]
        #expect(table.span.lineStart == 16)
        #expect(table.span.lineEnd == 20)
    }

    @Test func plainTextParagraphsKeepTheirLines() {
        let doc = PlainTextExtractor.extract("first line\nsecond line\n\n\nthird\r\nfourth\n")
        #expect(doc.blocks.map(\.text) == ["first line second line", "third fourth"])
        #expect(doc.blocks.map(\.span.lineStart) == [1, 5])
        #expect(doc.blocks.map(\.span.lineEnd) == [2, 6])
    }

    @Test func unterminatedFrontMatterIsText() {
        let doc = MarkdownExtractor.extract("---\ntitle: x\nno end")
        #expect(doc.title == nil)
    }
}

@Suite struct TextDecodingTests {
    @Test func decodesCommonEncodings() throws {
        #expect(try TextDecoding.decode(Array("héllo".utf8), path: "f").encoding == .utf8)
        let utf16: [UInt8] = [0xFF, 0xFE, 0x68, 0x00, 0xE9, 0x00]
        #expect(try TextDecoding.decode(utf16, path: "f") == ("hé", .utf16LE))
        let latin: [UInt8] = [0x63, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x71, 0x94]
        #expect(try TextDecoding.decode(latin, path: "f") == ("café “q”", .windows1252))
        var mostlyUTF8 = Array(String(repeating: "élan ", count: 20).utf8)
        mostlyUTF8.append(0xFF)
        let repaired = try TextDecoding.decode(mostlyUTF8, path: "f")
        #expect(repaired.encoding == .utf8Repaired)
        #expect(repaired.text.hasSuffix("\u{FFFD}"))
    }

    @Test func refusesBinary() {
        #expect(throws: CorpusError.binaryContent(path: "x.txt")) {
            try TextDecoding.decode([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2], path: "x.txt")
        }
    }
}

@Suite struct SentenceTests {
    @Test func splitsSentencesButNotAbbreviations() {
        let s = SentenceSplitter.split("Dr. Smith arrived at 3.15 p.m. on Monday. He left, e.g. early! Did he? Yes.\nA list item\nAnother")
        #expect(s == ["Dr. Smith arrived at 3.15 p.m. on Monday.", "He left, e.g. early!", "Did he?", "Yes.", "A list item", "Another"])
    }
}

@Suite struct HashTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(_ input: String, _ hex: String) {
        #expect(SHA256.hex(input) == hex)
    }

    @Test func incrementalEqualsOneShot() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var h = SHA256()
        var i = 0
        for step in [1, 63, 64, 65, 1000, 7] + Array(repeating: 500, count: 30) where i < data.count {
            h.update(Array(data[i..<min(i + step, data.count)]))
            i += step
        }
        if i < data.count { h.update(Array(data[i...])) }
        #expect(Hex.encode(h.finalize()) == SHA256.hex(data))
    }

    @Test func millionAs() {
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct GlobTests {
    @Test(arguments: [
        ("*.md", "a/b/c.md", true), ("*.md", "c.mdx", false), ("docs/*.md", "docs/a.md", true), ("docs/*.md", "docs/x/a.md", false),
        ("docs/**/*.md", "docs/x/y/a.md", true), ("docs/**/*.md", "docs/a.md", true), (".*", "a/.git", true), ("file?.txt", "file1.txt", true),
        ("[abc]*", "bz", true), ("[!abc]*", "bz", false), ("node_modules", "x/node_modules", true), ("**", "any/thing", true),
    ])
    func matches(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }
}
