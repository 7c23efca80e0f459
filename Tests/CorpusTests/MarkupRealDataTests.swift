// The HTML and XML extractors on real documents from ../shared/data/corp-docs: every Debian Policy
// HTML page (Sphinx and DocBook output) and the NIST SP 800-53 OSCAL catalog. The policy's HTML
// must say what its plain-text edition (policy.txt, built from the same source) says.
import Corpus
import Posix
import Testing
import TestSupport

@Suite struct MarkupRealDataTests {
    static var policyDirectory: String? { Paths.sharedData.map { $0 + "/corp-docs/debian-policy" } }

    static func htmlFiles(_ dir: String) throws -> [String] {
        var out: [String] = []
        var stack = [dir]
        while let d = stack.popLast() {
            for name in try FileSystem.list(d) {
                let p = d + "/" + name
                if FileSystem.isDirectory(p) { stack.append(p) } else if name.hasSuffix(".html") { out.append(p) }
            }
        }
        return out.sorted()
    }

    /// Text from two renderings of one source made comparable: whitespace collapsed, and the
    /// marks the text edition adds dropped (quotes around literals, asterisks around emphasis,
    /// typographic quotes), with words split at a line-end hyphen joined again.
    static func normalized(_ s: String) -> String {
        var out = ""
        var pendingSpace = false, afterHyphen = false
        for c in s {
            if c == "\"" || c == "*" || c == "\u{201C}" || c == "\u{201D}" || c == "\u{2018}" || c == "\u{2019}" || c == "'" { continue }
            if c.isWhitespace {
                if c == "\n" && out.last == "-" { afterHyphen = true }
                pendingSpace = true
                continue
            }
            if pendingSpace && !out.isEmpty && !afterHyphen { out.append(" ") }
            pendingSpace = false
            afterHyphen = false
            out.append(c)
        }
        return out
    }

    @Test func debianPolicyHTMLMatchesItsTextEdition() throws {
        guard let dir = Self.policyDirectory, FileSystem.isDirectory(dir) else {
            print("Debian Policy HTML skipped: ../shared/data/corp-docs/debian-policy is not present")
            return
        }
        let files = try Self.htmlFiles(dir)
        #expect(files.count >= 30)
        let clock = ContinuousClock()
        let start = clock.now
        var bytes = 0, blocks = 0, tables = 0, code = 0, policyText = "", failures: [String] = []
        for path in files {
            let data = try FileSystem.read(path)
            bytes += data.count
            do {
                let doc = try HTMLExtractor.extract(data, path: path)
                blocks += doc.blocks.count
                for b in doc.blocks {
                    if case .table = b.kind { tables += 1 }
                    if b.kind == .code { code += 1 }
                    #expect(b.span.lineStart != nil && (b.span.lineStart ?? 0) <= (b.span.lineEnd ?? 0), "\(path): \(b)")
                }
                let text = doc.plainText
                #expect(!text.contains("¶") && !text.contains("Quick search") && !text.contains("Created using"), "\(path) kept page chrome")
                if path.contains("/policy.html/") { policyText += "\n" + text }
            } catch {
                failures.append("\(path): \(error)")
            }
        }
        print("Debian Policy HTML: \(files.count) files, \(bytes / 1024) KiB -> \(blocks) blocks (\(tables) tables, \(code) code) in \(clock.now - start)")
        #expect(failures.isEmpty, "\(failures)")

        // Every prose paragraph of policy.txt should appear in the HTML extraction verbatim.
        let html = Self.normalized(policyText)
        let txt = String(decoding: try FileSystem.read(dir + "/policy.txt"), as: UTF8.self)
        let paragraphs = txt.split(separator: "\n\n").map { Self.normalized(String($0)) }.filter { p in
            // Prose only: long, starting with a capital letter, no reST list or literal markers.
            p.count > 120 && (p.first?.isUppercase ?? false) && !p.contains("::") && !p.contains("* ") && !p.contains("[")
        }
        let found = paragraphs.filter { html.contains($0) }
        let rate = Double(found.count) / Double(max(paragraphs.count, 1))
        print("policy.txt prose paragraphs found in the HTML: \(found.count)/\(paragraphs.count)")
        // Show where the first few differ (the text edition wraps URLs and paths at '/' and '-').
        for p in paragraphs.filter({ !html.contains($0) }).prefix(3) {
            var n = p.count
            while n > 0 && !html.contains(p.prefix(n)) { n = n * 9 / 10 }
            var k = n
            while k < p.count && html.contains(p.prefix(k + 1)) { k += 1 }
            print("  not found: ...\(p.prefix(k).suffix(40)) | \(p.dropFirst(k).prefix(40))")
        }
        #expect(paragraphs.count > 500)
        #expect(rate >= 0.95) // measured 747/763
        for sentence in [
            "This manual describes the policy requirements for the Debian distribution.",
            "The footnotes present in this manual are merely informative, and are not part of Debian policy itself.",
            "Every package must have a maintainer",
        ] {
            #expect(html.contains(sentence), "\(sentence)")
        }
    }

    @Test func oscalCatalogHeadingsLeadToTheirProse() throws {
        guard let data = Paths.sharedData else {
            print("OSCAL catalog skipped: ../shared/data is not present")
            return
        }
        let dir = data + "/corp-docs/nist-sp800-53-oscal"
        let files = try FileSystem.list(dir).filter { $0.hasSuffix(".xml") }
        #expect(!files.isEmpty)
        for name in files {
            let path = dir + "/" + name
            let bytes = try FileSystem.read(path)
            let clock = ContinuousClock()
            let start = clock.now
            let doc = try XMLExtractor.extract(bytes, path: path)
            let headings = doc.blocks.filter { if case .heading = $0.kind { return true } else { return false } }
            print("OSCAL \(name): \(bytes.count / 1024) KiB -> \(doc.blocks.count) blocks (\(headings.count) headings) in \(clock.now - start)")
            #expect(doc.title == "NIST Special Publication 800-53 Revision 5.1.1 LOW IMPACT BASELINE")
            // The control AC-1 "Policy and Procedures": its heading, then its statement and guidance.
            let i = try #require(doc.blocks.firstIndex { $0.text == "Policy and Procedures" })
            #expect(doc.blocks[i].kind == .heading(level: 2), "controls sit one level below their family")
            #expect(doc.blocks[i].span.lineStart == 42)
            let family = doc.blocks[..<i].last { if case .heading(1) = $0.kind { return true } else { return false } }
            #expect(family?.text == "Access Control")
            let section = doc.blocks[(i + 1)...].prefix { if case .heading = $0.kind { return false } else { return true } }
            let prose = section.map(\.text).joined(separator: "\n")
            #expect(prose.contains("Access control policy and procedures address the controls in the AC family"))
            #expect(prose.contains("Designate an to manage the development, documentation, and dissemination"))
            // Chunks carry the heading path, so a query for the title reaches the prose.
            let chunks = Chunker.chunk(doc)
            #expect(chunks.contains { $0.headingPath.hasSuffix("Access Control > Policy and Procedures") && $0.text.contains("AC family") })
        }
    }
}
