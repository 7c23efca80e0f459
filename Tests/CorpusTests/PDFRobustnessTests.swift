// Hostile and broken PDFs: every class of damage ends in text or a specific CorpusError, never a
// crash, a hang or runaway memory; then a seeded mutation run over the fixtures.
import Corpus
import Foundation
import Testing
import TestSupport

@Suite struct PDFRobustnessTests {
    static let helloPage = "BT /F1 12 Tf 72 700 Td (Hello robust world) Tj ET"

    /// Each damaged file and what must come of it: nil means text is still extracted.
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case empty, garbage, headerOnly, headerTooLate, headerAfterJunk, truncatedHalf, truncatedAtStream
        case selfReferencingRoot, hugeLength, negativeLength, negativeCounts, deepNesting, prevCycle
        case xrefOffsetsWrong, pageTreeLoop, formRecursion, objStmSelfReference, lengthIsItself
        case xrefStreamHostileW, unterminatedString, hugeNumbers, tooManyOperators, hugeStructuralNumbers
        case hugePredictorColumns

        var testDescription: String { rawValue }
    }

    static func bytes(_ d: Damage) -> [UInt8] {
        let good = PDFBuild.page(helloPage)
        switch d {
        case .empty: return []
        case .garbage:
            var rng = SeededRandom(seed: 3)
            return (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case .headerOnly: return Array("%PDF-1.7\n".utf8)
        case .headerTooLate: return Array(repeating: 0x20, count: 2000) + good
        case .headerAfterJunk: return Array("some junk\r\n".utf8) + good
        case .truncatedHalf: return Array(good.prefix(good.count / 2))
        case .truncatedAtStream:
            let s = String(decoding: good, as: UTF8.self)
            return Array(s.components(separatedBy: "stream\n").dropLast().joined(separator: "stream\n").utf8) + Array("stream\nBT /F1 12 Tf (cut".utf8)
        case .selfReferencingRoot:
            return PDFBuild.file([1: "1 0 R"])
        case .hugeLength:
            return replace(good, "/Length \(helloPage.utf8.count)", "/Length 99999999999999999999")
        case .negativeLength:
            return replace(good, "/Length \(helloPage.utf8.count)", "/Length -42")
        case .negativeCounts:
            return replace(replace(good, "/Count 1", "/Count -5"), "12 Tf", "-12 Tf")
        case .deepNesting:
            let deep = String(repeating: "[", count: 100_000)
            return PDFBuild.file([1: "<< /Type /Catalog /Pages 2 0 R /Junk \(deep) >>",
                                  2: "<< /Type /Pages /Kids [] /Count 0 >>"])
        case .prevCycle:
            let s = String(decoding: good, as: UTF8.self)
            let xref = s.range(of: "xref\n").map { s.utf8.distance(from: s.startIndex, to: $0.lowerBound) } ?? 0
            return replace(good, "/Root 1 0 R", "/Root 1 0 R /Prev \(xref)")
        case .xrefOffsetsWrong:
            return Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: " 00000 n", with: "7 00000 n").utf8)
        case .pageTreeLoop:
            return PDFBuild.file([
                1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 1 >>",
                6: "<< /Type /Pages /Kids [2 0 R 6 0 R] >>",
                3: "<< /Type /Page /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                4: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", 5: PDFBuild.stream(helloPage)])
        case .formRecursion:
            return PDFBuild.page(helloPage + " /X Do", extra: [
                10: PDFBuild.stream("/Y Do /X Do", dict: "/Type /XObject /Subtype /Form /Resources << /XObject << /X 10 0 R /Y 11 0 R >> >>"),
                11: PDFBuild.stream("/X Do", dict: "/Type /XObject /Subtype /Form /Resources << /XObject << /X 10 0 R >> >>")],
                resources: "/XObject << /X 10 0 R >>")
        case .objStmSelfReference:
            return PDFBuild.file([1: "<< /Type /Catalog /Pages 2 0 R >>",
                                  2: PDFBuild.stream("2 0 3 0", dict: "/Type /ObjStm /N 2 /First 8 /Length 2 0 R")])
        case .lengthIsItself:
            return PDFBuild.page(helloPage, extra: [5: "<< /Length 5 0 R >>\nstream\n\(helloPage)\nendstream"])
        case .xrefStreamHostileW:
            let body = "<< /Type /XRef /W [9999 -3 2] /Index [0 99999999 -5 3] /Size 5 /Root 1 0 R /Length 4 >>\nstream\nabcd\nendstream"
            var b = Array("%PDF-1.5\n".utf8)
            let at = b.count
            b += Array("7 0 obj\n\(body)\nendobj\nstartxref\n\(at)\n%%EOF\n".utf8)
            return b
        case .unterminatedString:
            return PDFBuild.page("BT /F1 12 Tf 72 700 Td (never closed ((( Tj ET")
        case .hugeNumbers:
            return PDFBuild.page("BT /F1 1e999 Tf 99999999999999999999999 -99999999999999999999 Td (big) Tj 1 0 0 1 1e308 1e308 Tm ET")
        case .tooManyOperators:
            return PDFBuild.page(String(repeating: "q Q ", count: 50_000))
        case .hugeStructuralNumbers:
            // Numbers at Int's edges wherever the reader adds to them: xref starts, offsets, /Prev,
            // /Differences codes, /FirstChar, CID widths.
            let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 9223372036854775807 /Widths [1 2] "
                + "/Encoding << /Differences [9223372036854775807 /a /b -9223372036854775808 /c] >> >>"
            var b = PDFBuild.page(helloPage, font: font, extra: [
                10: "<< /Type /Font /Subtype /Type0 /DescendantFonts [<< /W [9223372036854775807 [500] 16777215 9223372036854775807 3] >>] >>"])
            b = replace(b, "/Root 1 0 R", "/Root 1 0 R /Prev 9223372036854775807 /XRefStm 9223372036854775807")
            b = replace(b, "xref\n0 ", "xref\n9223372036854775000 2\n9223372036854775000 00000 n \n0000000001 00000 n \n0 ")
            return replace(b, "/F1 4 0 R", "/F1 4 0 R /F2 10 0 R")
        case .hugePredictorColumns:
            // A stored (uncompressed) deflate block inside a zlib wrapper, so no compressor is needed.
            let data = Array(helloPage.utf8)
            let n = data.count
            let z: [UInt8] = [0x78, 0x01, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)] + data + [0, 0, 0, 0]
            let dict = "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 9223372036854775807 /Colors 9223372036854775807 /BitsPerComponent 16 >>"
            // Same-length placeholder first, so the xref offsets stay right, then the binary bytes.
            let placeholder = String(repeating: "X", count: z.count)
            var b = PDFBuild.page("", extra: [5: PDFBuild.stream(placeholder, dict: dict)])
            let s = String(decoding: b, as: UTF8.self)
            guard let r = s.range(of: placeholder) else { return b }
            let at = s.utf8.distance(from: s.startIndex, to: r.lowerBound)
            b.replaceSubrange(at..<(at + z.count), with: z)
            return b
        }
    }

    static func replace(_ b: [UInt8], _ a: String, _ c: String) -> [UInt8] {
        Array(String(decoding: b, as: UTF8.self).replacingOccurrences(of: a, with: c).utf8)
    }

    /// What each damage must produce: the error case name, or "text" when text must still come out.
    static func expected(_ d: Damage) -> String {
        switch d {
        case .empty, .garbage, .headerTooLate: return "pdfHeaderMissing"
        case .headerOnly: return "pdfMalformed"
        case .selfReferencingRoot: return "pdfMalformed"
        case .deepNesting: return "pdfMalformed"
        case .objStmSelfReference: return "pdfMalformed"
        case .xrefStreamHostileW: return "pdfMalformed"
        case .tooManyOperators: return "pdfLimit"
        case .hugeNumbers, .truncatedAtStream, .truncatedHalf, .hugePredictorColumns: return "any"
        case .unterminatedString: return "pdfNoText"
        default: return "text"
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedFile(_ d: Damage) throws {
        let limits = d == .tooManyOperators ? PDFLimits(maxOperators: 10_000) : PDFLimits()
        let start = ContinuousClock.now
        let want = Self.expected(d)
        do {
            let doc = try PDFExtractor.extract(Self.bytes(d), limits: limits)
            if want == "text" { #expect(doc.plainText.contains("Hello robust world"), "\(d): \(doc.plainText)") }
            else if want != "any" { Issue.record("\(d): expected \(want), got text \(doc.plainText.prefix(80))") }
        } catch {
            #expect(error is CorpusError, "\(d): \(error)")
            if want != "any" { #expect(PDFFixtures.caseName(error) == want, "\(d): \(error)") }
        }
        #expect(ContinuousClock.now - start < .seconds(5), "\(d) took too long")
    }

    @Test func deepNestingNamesTheProblem() {
        do {
            _ = try PDFExtractor.extract(Self.bytes(.deepNesting))
            Issue.record("deep nesting was accepted")
        } catch let CorpusError.pdfMalformed(reason) {
            guard case .nestingTooDeep = reason else { Issue.record("wrong reason \(reason)"); return }
        } catch {
            Issue.record("wrong error \(error)")
        }
    }

    /// Seeded mutants of every fixture (byte flips, truncation, deletion, duplication, inserted
    /// keywords): each ends in text or a CorpusError within a bounded time.
    @Test func mutationsNeverCrashOrHang() throws {
        var sources: [[UInt8]] = []
        for name in Set(PDFFixtures.expectations.map(\.file)).sorted() where name != "bomb.pdf" {
            sources.append(try PDFFixtures.bytes(name))
        }
        sources.append(PDFBuild.page(Self.helloPage))
        let tokens = ["obj", "endobj", "stream", "endstream", "<<", ">>", "[", "]", "(", ")", "<", ">", " R ", "-1",
                      "99999999999", "/Length", "/Filter /FlateDecode", "xref", "trailer", "startxref", "/Kids [1 0 R]",
                      "BT", "Tj", "q", "Do", "1 0 R", "%", "\\", "/Prev 0", "/ObjStm", "/W [1 2 1]"].map { Array($0.utf8) }
        var rng = SeededRandom(seed: 20_240_601)
        var outcomes: [String: Int] = [:]
        var slowest = Duration.zero
        let count = 4000
        for i in 0..<count {
            var b = sources[i % sources.count]
            let kind = Int.random(in: 0..<6, using: &rng)
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !b.isEmpty {
                let p = Int.random(in: 0..<b.count, using: &rng)
                switch kind {
                case 0: b[p] = UInt8.random(in: 0...255, using: &rng)
                case 1: b.removeSubrange(p...)
                case 2: b.removeSubrange(p..<min(b.count, p + Int.random(in: 1...200, using: &rng)))
                case 3: b.insert(contentsOf: [32] + tokens[Int.random(in: 0..<tokens.count, using: &rng)] + [32], at: p)
                case 4:
                    let piece = Array(b[p..<min(b.count, p + Int.random(in: 1...500, using: &rng))])
                    b.insert(contentsOf: piece, at: Int.random(in: 0..<b.count, using: &rng))
                default: b[p] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                }
            }
            let start = ContinuousClock.now
            do {
                _ = try PDFExtractor.extract(b)
                outcomes["text", default: 0] += 1
            } catch let e as CorpusError {
                outcomes[PDFFixtures.caseName(e), default: 0] += 1
            }
            let took = ContinuousClock.now - start
            slowest = max(slowest, took)
            #expect(took < .seconds(2), "mutant \(i) (kind \(kind)) took \(took)")
        }
        print("PDF mutation run: \(count) mutants, outcomes \(outcomes.sorted { $0.key < $1.key }), slowest \(slowest)")
        #expect(outcomes.values.reduce(0, +) == count)
    }
}
