// Helpers for the PDF tests: a tiny PDF writer (objects plus a correct xref table), fixture
// loading, and the expectations file written by scripts/fixtures/make_pdf_fixtures.py.
import Corpus
import Posix
import TestSupport

enum PDFBuild {
    /// A PDF whose objects are `objects[n]` (bodies without `n 0 obj`), with a correct xref table
    /// and a trailer naming `root` (plus `trailerExtra`).
    static func file(_ objects: [Int: String], root: Int = 1, trailerExtra: String = "") -> [UInt8] {
        var out = Array("%PDF-1.7\n%\u{E2}\u{E3}\n".utf8)
        var offsets: [Int: Int] = [:]
        for n in objects.keys.sorted() {
            offsets[n] = out.count
            out += Array("\(n) 0 obj\n\(objects[n] ?? "")\nendobj\n".utf8)
        }
        let size = (objects.keys.max() ?? 0) + 1
        let xref = out.count
        var table = "xref\n0 \(size)\n0000000000 65535 f \n"
        for n in 1..<max(size, 1) {
            if let o = offsets[n] {
                let s = String(o)
                table += String(repeating: "0", count: 10 - s.count) + s + " 00000 n \n"
            } else {
                table += "0000000000 65535 f \n"
            }
        }
        out += Array(table.utf8)
        out += Array("trailer\n<< /Size \(size) /Root \(root) 0 R \(trailerExtra)>>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// A stream object body with the right /Length.
    static func stream(_ data: String, dict: String = "") -> String {
        "<< \(dict) /Length \(data.utf8.count) >>\nstream\n\(data)\nendstream"
    }

    /// A one-page document showing `content` with Helvetica as /F1 (plus `extra` objects from 10 up).
    static func page(_ content: String, font: String = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                     extra: [Int: String] = [:], resources: String = "") -> [UInt8] {
        var objs: [Int: String] = [
            1: "<< /Type /Catalog /Pages 2 0 R >>",
            2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> \(resources) >> /Contents 5 0 R >>",
            4: font,
            5: stream(content),
        ]
        for (k, v) in extra { objs[k] = v }
        return file(objs)
    }
}

enum PDFFixtures {
    static let directory = Paths.fixtures + "/pdf"

    static func bytes(_ name: String) throws -> [UInt8] { try FileSystem.read(directory + "/" + name) }

    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var key: String
        var value: String
        var testDescription: String { "\(file) \(key): \(value.prefix(40))" }
    }

    /// The rows of expected.tsv (see the generator script for the format).
    static let expectations: [Expectation] = {
        guard let data = try? FileSystem.read(directory + "/expected.tsv") else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return f.count == 3 ? Expectation(file: f[0], key: f[1], value: f[2]) : nil
        }
    }()

    /// The case name of a PDF CorpusError, to compare with expectation files.
    static func caseName(_ e: Error) -> String {
        guard let c = e as? CorpusError else { return "\(type(of: e))" }
        switch c {
        case .pdfHeaderMissing: return "pdfHeaderMissing"
        case .pdfEncrypted: return "pdfEncrypted"
        case .pdfMalformed: return "pdfMalformed"
        case .pdfLimit: return "pdfLimit"
        case .pdfNoText: return "pdfNoText"
        default: return "other"
        }
    }
}

import Testing
