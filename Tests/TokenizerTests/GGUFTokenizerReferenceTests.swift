// Encode and decode against llama.cpp's own output, for every vocabulary with a fixture:
// SmolLM2 always (CI fetches it); the llama.cpp vocab GGUFs when the reference cache exists.
import Foundation
import GGUF
import TestSupport
import Testing
import Tokenizer

@Suite struct GGUFTokenizerReferenceTests {
    /// Encodes every fixture text; returns (matches, total, first mismatches).
    static func check(_ fixture: TokenizerFixture, _ tok: GGUFTokenizer) -> (Int, Int, [String]) {
        var ok = 0
        var bad: [String] = []
        for c in fixture.cases {
            let got = tok.encode(c.text, addSpecial: true, parseSpecial: c.parseSpecial)
            if got == c.ids { ok += 1 } else if bad.count < 5 { bad.append(describeMismatch(c, got)) }
        }
        for (bytes, ids) in fixture.bytesCases {
            let got = bytes.withUnsafeBufferPointer { tok.encode(bytes: $0) }
            if got == ids { ok += 1 } else if bad.count < 5 { bad.append("bytes \(bytes): want \(ids) got \(got)") }
        }
        return (ok, fixture.cases.count + fixture.bytesCases.count, bad)
    }

    /// decode(ids) against llama_detokenize for the same ids, specials hidden and rendered.
    static func checkDecode(_ fixture: TokenizerFixture, _ tok: GGUFTokenizer) -> (Int, Int, [String]) {
        var ok = 0, total = 0
        var bad: [String] = []
        for c in fixture.cases {
            for (want, special) in [(c.decoded, false), (c.decodedSpecial, true)] {
                guard let want else { continue }
                total += 1
                let got = tok.decode(c.ids, renderSpecial: special)
                if got == want { ok += 1 } else if bad.count < 5 {
                    bad.append("\(c.text.prefix(40).debugDescription) special=\(special): want \(want.debugDescription) got \(got.debugDescription)")
                }
            }
        }
        return (ok, total, bad)
    }

    @Test(.enabled(if: SmolLM2.available, "needs models/SmolLM2-135M-Instruct.Q4_1.gguf (scripts/fetch-models)"))
    func smolLM2MatchesLlamaCpp() throws {
        let fixture = try TokenizerFixture.load("smollm2")
        let tok = try fixture.tokenizer(path: SmolLM2.path)
        #expect(tok.vocabularySize == 49_152)
        #expect(tok.preTokenizerName == "smollm")
        #expect(tok.bos == 1 && tok.eos == 2 && !tok.addsBOS)
        let (ok, total, bad) = Self.check(fixture, tok)
        print("tokenizer smollm2: encode \(ok)/\(total) match llama.cpp")
        #expect(bad.isEmpty, "\(bad.joined(separator: "\n"))")
        let (dok, dtotal, dbad) = Self.checkDecode(fixture, tok)
        print("tokenizer smollm2: decode \(dok)/\(dtotal) match llama.cpp")
        #expect(dbad.isEmpty, "\(dbad.joined(separator: "\n"))")
        try checkLongText(fixture, tok)
    }

    /// Every other fixture; each prints its agreement, and skips (printing why) without its file.
    @Test(arguments: TokenizerFixture.names.filter { $0 != "smollm2" })
    func vocabularyMatchesLlamaCpp(_ name: String) throws {
        let fixture = try TokenizerFixture.load(name)
        let (path, reason) = fixture.vocabPath
        guard let path else {
            print("tokenizer \(name): skipped, \(reason)")
            return
        }
        let tok = try fixture.tokenizer(path: path)
        let (ok, total, bad) = Self.check(fixture, tok)
        print("tokenizer \(name): encode \(ok)/\(total) match llama.cpp")
        #expect(bad.isEmpty, "\(name):\n\(bad.joined(separator: "\n"))")
        let (dok, dtotal, dbad) = Self.checkDecode(fixture, tok)
        print("tokenizer \(name): decode \(dok)/\(dtotal) match llama.cpp")
        #expect(dbad.isEmpty, "\(name):\n\(dbad.joined(separator: "\n"))")
        try checkLongText(fixture, tok)
    }

    private func checkLongText(_ fixture: TokenizerFixture, _ tok: GGUFTokenizer) throws {
        guard let file = fixture.longTextFile else { return }
        let text = try String(contentsOfFile: Paths.packageRoot + "/" + file, encoding: .utf8)
        let got = tok.encode(text)
        let firstDiff = zip(got, fixture.longTextIDs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        print("tokenizer \(fixture.name): \(file) → \(got.count) ids, llama.cpp \(fixture.longTextIDs.count)")
        #expect(got == fixture.longTextIDs, "first difference at \(firstDiff ?? min(got.count, fixture.longTextIDs.count))")
    }

    /// decode(encode(x)) == x for the texts where llama.cpp's own round trip is exact.
    @Test(.enabled(if: SmolLM2.available, "needs models/SmolLM2-135M-Instruct.Q4_1.gguf (scripts/fetch-models)"))
    func smolLM2RoundTrips() throws {
        let fixture = try TokenizerFixture.load("smollm2")
        let tok = try fixture.tokenizer(path: SmolLM2.path)
        var checked = 0
        for c in fixture.cases where !c.parseSpecial && c.decoded == c.text {
            #expect(tok.decode(tok.encode(c.text)) == c.text)
            checked += 1
        }
        print("tokenizer smollm2: \(checked) texts round-trip")
        #expect(checked > 50)
    }
}
