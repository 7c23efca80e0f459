// Mutation fuzzing of every office fixture with a fixed seed: 3,000 damaged packages, at the ZIP
// level (bytes flipped, cut, spliced) and at the XML level (parts edited with hostile tokens and
// repackaged). Each must extract or throw a CorpusError, and fast: no crash, no hang.
import Corpus
import Testing
import TestSupport

@Suite struct OfficeMutationTests {
    /// Tokens that stress the readers' assumptions: spans, repeats and references far out of
    /// range, broken markup, escapes for invalid scalars, relationship targets leaving the package.
    static let hostile = [
        "<", ">", "&", "&#0;", "]]>", "</w:p>", "<w:p>", "<w:tbl>", "</w:tr>", "<w:tc>",
        "<w:gridSpan w:val=\"99999999\"/>", "<w:vMerge/>", "<w:gridBefore w:val=\"-7\"/>",
        "<w:numPr><w:numId w:val=\"0\"/></w:numPr>", "<w:outlineLvl w:val=\"12\"/>", "<w:sym w:char=\"D800\"/>",
        " table:number-columns-repeated=\"2147483647\" ", " table:number-rows-repeated=\"4294967296\" ",
        " table:number-columns-spanned=\"-3\" ", " table:number-rows-spanned=\"99999\" ",
        "<table:covered-table-cell/>", "<text:s text:c=\"1000000000\"/>", "<text:list><text:list-item>",
        "<c r=\"XFD1048576\" s=\"99999\"><v>1e308</v></c>", "<c r=\"A99999999999\" t=\"s\"><v>-1</v></c>",
        "<row r=\"0\">", "<row r=\"99999999999999999999\">", "<v>NaN</v>", "_x0000_", "_xD800_", "_x",
        " numFmtId=\"-1\" ", " hMerge=\"1\" ", " vMerge=\"true\" ", " lvl=\"-9\" ",
        "<p:sldId r:id=\"rId2\"/>", " Target=\"../../../../etc/passwd\" ", " Target=\"/\" ", " Target=\"%zz%\" ",
        " full-path=\"\" ", "<itemref idref=\"nav\"/>", "<mc:AlternateContent><mc:Choice>",
    ]

    static let parts: Set<String> = ["xml", "rels", "opf", "xhtml", "html", "ncx"]

    /// One mutated copy of `bytes`, chosen by `rng`.
    static func mutateArchive(_ bytes: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var b = bytes
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...16, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 1:
            b = Array(b.prefix(Int.random(in: 0..<b.count, using: &rng)))
        default:
            let from = Int.random(in: 0..<b.count, using: &rng)
            let chunk = b[from..<min(b.count, from + Int.random(in: 1...512, using: &rng))]
            b.insert(contentsOf: chunk, at: Int.random(in: 0...b.count, using: &rng))
        }
        return b
    }

    /// The package with one XML part edited, repackaged with stored entries.
    static func mutatePart(_ entries: [(String, [UInt8])], _ rng: inout SeededRandom) -> [UInt8] {
        let candidates = entries.indices.filter { parts.contains(String(entries[$0].0.split(separator: ".").last ?? "")) }
        // Mostly the parts holding the text (themes and settings are read by nobody).
        let content = candidates.filter { i in
            ["document.xml", "slide", "sheet", "content.", "workbook", "sharedStrings", "styles", "footnotes", "chap", ".html", ".rels"]
                .contains { entries[i].0.contains($0) }
        }
        var entries = entries
        let pool = !content.isEmpty && Int.random(in: 0..<4, using: &rng) > 0 ? content : candidates
        if let k = pool.randomElement(using: &rng) {
            var data = entries[k].1
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !data.isEmpty {
                let at = Int.random(in: 0..<data.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: data[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: data.removeSubrange(at..<min(data.count, at + Int.random(in: 1...64, using: &rng)))
                case 2: data.insert(contentsOf: data[at..<min(data.count, at + Int.random(in: 1...200, using: &rng))], at: at)
                default: data.insert(contentsOf: Array((hostile.randomElement(using: &rng) ?? "<").utf8), at: at)
                }
            }
            entries[k].1 = data
        }
        var p = PackageBuilder()
        for (name, data) in entries { p.add(name, bytes: data) }
        return p.archive()
    }

    /// Extracts a mutated file: true when it extracted, false when it threw a CorpusError.
    @discardableResult
    static func run(_ name: String, _ mutated: [UInt8], _ clock: ContinuousClock) -> Bool {
        let start = clock.now
        defer { if clock.now - start > .seconds(5) { Issue.record("\(name): a mutation took \(clock.now - start)") } }
        do {
            _ = try OfficeFixtures.extract(mutated, name: name)
            return true
        } catch is CorpusError {
            return false
        } catch {
            Issue.record("\(name): not a CorpusError: \(error)")
            return false
        }
    }

    @Test(arguments: OfficeFixtures.files)
    func damagedArchives(_ name: String) throws {
        let bytes = try OfficeFixtures.bytes(name)
        var rng = SeededRandom(seed: 0x0FF1CE + UInt64(name.utf8.count))
        let clock = ContinuousClock()
        for _ in 0..<100 { Self.run(name, Self.mutateArchive(bytes, &rng), clock) }
    }

    @Test(arguments: OfficeFixtures.files)
    func damagedParts(_ name: String) throws {
        let archive = try ZipArchive(bytes: try OfficeFixtures.bytes(name))
        let entries = try archive.entries.map { ($0.name, try archive.read($0)) }
        var rng = SeededRandom(seed: 0xD0C5 &* UInt64(name.utf8.count + 1))
        let clock = ContinuousClock()
        var extracted = 0
        for _ in 0..<200 where Self.run(name, Self.mutatePart(entries, &rng), clock) { extracted += 1 }
        print("\(name): \(extracted)/200 part mutations still extract")
    }
}
