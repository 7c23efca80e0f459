// Helpers for the Corpus tests (SHA-256 comes from Corpus, seeded randomness from TestSupport):
// fixture loading and a matcher that asserts a `CorpusError` case.
import Corpus
import Posix
import Testing
import TestSupport


/// One stream from deflate-cases.txt.
struct DeflateCase: CustomTestStringConvertible, Sendable {
    let name: String
    let format: String
    let compressed: [UInt8]
    let rawLength: Int
    let sha256: String
    var testDescription: String { name }
}

enum CorpusFixtures {
    static let directory = Paths.fixtures + "/zip"

    static func bytes(_ file: String) throws -> [UInt8] {
        try FileSystem.read(directory + "/" + file)
    }

    static func lines(_ file: String) throws -> [Substring] {
        String(decoding: try bytes(file), as: UTF8.self).split(separator: "\n")
    }

    /// Every stream Python's zlib produced (see scripts/fixtures/make_deflate_fixtures.py).
    static let deflateCases: [DeflateCase] = {
        guard let blob = try? bytes("deflate-cases.bin"), let index = try? lines("deflate-cases.txt") else { return [] }
        return index.compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 6, let off = Int(f[2]), let len = Int(f[3]), let raw = Int(f[4]),
                  off + len <= blob.count else { return nil }
            return DeflateCase(name: String(f[0]), format: String(f[1]), compressed: Array(blob[off..<(off + len)]),
                               rawLength: raw, sha256: String(f[5]))
        }
    }()

    static func decode(_ c: DeflateCase, maxOutput: Int = 64 << 20) throws -> [UInt8] {
        switch c.format {
        case "raw": return try Inflate.raw(c.compressed, maxOutput: maxOutput)
        case "zlib": return try Inflate.zlib(c.compressed, maxOutput: maxOutput)
        default: return try Inflate.gzip(c.compressed, maxOutput: maxOutput)
        }
    }
}

/// Runs `body`, expecting a `CorpusError` for which `matches` is true. Records an issue naming
/// what was thrown (or returned) otherwise. Matches the case, never the prose.
func expectCorpusError<R>(_ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                          _ matches: (CorpusError) -> Bool, _ body: () throws -> R) {
    do {
        _ = try body()
        Issue.record("\(what): expected an error, got a result", sourceLocation: sourceLocation)
    } catch let error as CorpusError {
        if !matches(error) { Issue.record("\(what): wrong error: \(error)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("\(what): not a CorpusError: \(error)", sourceLocation: sourceLocation)
    }
}
