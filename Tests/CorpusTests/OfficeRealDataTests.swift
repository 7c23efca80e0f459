// The office and e-book extractors on every real .docx/.xlsx/.pptx/.epub/.od? file under
// ../shared/data: the 18F handbook templates, python-docx's 46 feature fixtures and the Debian
// Policy EPUB, whose text must say what its plain-text edition (policy.txt) says.
import Corpus
import JSON
import Posix
import Testing
import TestSupport

@Suite struct OfficeRealDataTests {
    static let extensions: Set<String> = ["docx", "docm", "dotx", "xlsx", "xlsm", "pptx", "epub", "odt", "ods", "odp"]

    static func officeFiles(_ root: String) throws -> [String] {
        var out: [String] = []
        var stack = [root]
        while let d = stack.popLast() {
            for name in try FileSystem.list(d) {
                let p = d + "/" + name
                if FileSystem.isDirectory(p) {
                    stack.append(p)
                } else if let ext = name.split(separator: ".").last, name.contains("."), extensions.contains(ext.lowercased()) {
                    out.append(p)
                }
            }
        }
        return out.sorted()
    }

    @Test func everyRealFileExtracts() throws {
        guard let root = Paths.sharedData else {
            print("office real data skipped: ../shared/data is not present")
            return
        }
        let files = try Self.officeFiles(root)
        var failures: [String] = []
        var byFormat: [String: (files: Int, blocks: Int)] = [:]
        let clock = ContinuousClock()
        for path in files {
            let start = clock.now
            let ext = String(path.split(separator: ".").last ?? "")
            do {
                let doc = try OfficeFixtures.extract(try FileSystem.read(path), name: path)
                let tables = doc.blocks.filter { if case .table = $0.kind { return true } else { return false } }.count
                let headings = doc.blocks.filter { if case .heading = $0.kind { return true } else { return false } }.count
                print("\(path.dropFirst(root.count + 1)): \(doc.blocks.count) blocks (\(headings) headings, \(tables) tables), "
                      + "\(doc.plainText.count) chars, title \(doc.title ?? "-") in \(clock.now - start)")
                byFormat[ext, default: (0, 0)].files += 1
                byFormat[ext, default: (0, 0)].blocks += doc.blocks.count
            } catch {
                failures.append("\(path): \(error)")
            }
        }
        for (ext, n) in byFormat.sorted(by: { $0.key < $1.key }) { print("\(ext): \(n.files) files, \(n.blocks) blocks") }
        #expect(files.count >= 50)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Whitespace collapsed, so line breaks and tabs compare as spaces.
    static func collapsed(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// python-docx and openpyxl (another reader of the same files) list every paragraph, table
    /// cell and string cell they see; each must appear in our extraction.
    @Test func anotherReaderSeesNothingWeMiss() throws {
        guard let root = Paths.sharedData else {
            print("office reference check skipped: ../shared/data is not present")
            return
        }
        let reference = try JSON.parse(try OfficeFixtures.bytes("shared-data-reference.json"))
        var checked = 0, missing: [String] = []
        for (file, texts) in reference.objectValue ?? JSONObject() {
            let path = root + "/" + file
            guard FileSystem.isReadable(path) else { continue }
            let ours = Self.collapsed(try OfficeFixtures.extract(try FileSystem.read(path), name: path).plainText)
            for t in texts.arrayValue ?? [] {
                guard let text = t.stringValue.map(Self.collapsed), !text.isEmpty else { continue }
                checked += 1
                if !ours.contains(text) { missing.append("\(file): \(text)") }
            }
        }
        print("reference texts found in our extraction: \(checked - missing.count)/\(checked)")
        #expect(checked > 350)
        #expect(missing.isEmpty, "\(missing)")
    }

    @Test func eighteenFTemplatesSayWhatTheySay() throws {
        guard let root = Paths.sharedData else { return }
        let dir = root + "/corp-docs/18f-handbook/downloads/"
        let charter = try DOCXExtractor.extract(try FileSystem.read(dir + "TEMPLATE_Team_charter.docx"))
        #expect(charter.title == "[Project name] team charter")
        #expect(charter.plainText.contains("All 18F teams are expected to have a team charter to document roles, working hours, and feedback practices."))
        #expect(charter.blocks.allSatisfy { $0.span.locator?.hasPrefix("paragraph ") == true || $0.span.locator?.hasPrefix("table ") == true })
        let readme = try DOCXExtractor.extract(try FileSystem.read(dir + "TEMPLATE_Project_README.docx"))
        #expect(readme.blocks.contains { $0.kind == .heading(level: 2) && $0.text == "Agile practices" })
        let ship = try DOCXExtractor.extract(try FileSystem.read(dir + "TEMPLATE_Weekly_ship_template.docx"))
        #expect(ship.blocks.contains { $0.kind == .listItem && $0.text == "Designate a person, or a rotation of people, to captain the weekly ship." })
        let risks = try XLSXExtractor.read(try FileSystem.read(dir + "TEMPLATE_Risk_tracker.xlsx"))
        #expect(risks.sheets == ["Front Matter", "Risks"])
        let front = try #require(risks.document.blocks.first { $0.text.contains("All 18F teams are expected to track risks") })
        #expect(front.span.locator == "sheet 'Front Matter'!B2")
        // The risk table is a template: its header row is all there is, and it stands as its own row.
        #expect(risks.document.blocks.last?.span.locator == "sheet Risks!A1:I1")
        #expect(risks.document.blocks.last?.text.hasPrefix("Title; Description; Impact; Likelihood; Status") == true)
    }

    /// The EPUB edition of the Debian Policy against its plain-text edition (policy.txt, built from
    /// the same source): the share of prose paragraphs found verbatim.
    @Test func debianPolicyEPUBMatchesItsTextEdition() throws {
        guard let root = Paths.sharedData else { return }
        let dir = root + "/corp-docs/debian-policy"
        let doc = try EPUBExtractor.extract(try FileSystem.read(dir + "/policy.epub"))
        #expect(doc.title == "Debian Policy Manual")
        let chapters = Set(doc.blocks.compactMap(\.span.locator))
        #expect(chapters.contains("ch-binary.xhtml") && !chapters.contains("nav.xhtml"))
        let text = MarkupRealDataTests.normalized(doc.blocks.map(\.text).joined(separator: "\n"))
        let txt = String(decoding: try FileSystem.read(dir + "/policy.txt"), as: UTF8.self)
        let paragraphs = txt.split(separator: "\n\n").map { MarkupRealDataTests.normalized(String($0)) }.filter { p in
            p.count > 120 && (p.first?.isUppercase ?? false) && !p.contains("::") && !p.contains("* ") && !p.contains("[")
        }
        let found = paragraphs.filter { text.contains($0) }.count
        print("policy.txt prose paragraphs found in the EPUB: \(found)/\(paragraphs.count)")
        for p in paragraphs.filter({ !text.contains($0) }).prefix(8) {
            var n = p.count
            while n > 0 && !text.contains(p.prefix(n)) { n = n * 9 / 10 }
            var k = n
            while k < p.count && text.contains(p.prefix(k + 1)) { k += 1 }
            print("  not found: ...\(p.prefix(k).suffix(50)) | \(p.dropFirst(k).prefix(50))")
        }
        #expect(paragraphs.count > 500)
        #expect(Double(found) / Double(paragraphs.count) >= 0.95)
        for sentence in ["This manual describes the policy requirements for the Debian distribution.",
                         "Every package must have a maintainer"] {
            #expect(text.contains(sentence), "\(sentence)")
        }
        let binary = try #require(doc.blocks.first { $0.text.hasPrefix("The Debian distribution is based on the Debian package management") })
        #expect(binary.span.locator == "ch-binary.xhtml" && binary.span.lineStart != nil)
    }
}
