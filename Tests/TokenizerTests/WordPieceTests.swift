// WordPiece against HF tokenizers' ids for 80+ varied texts (all-MiniLM-L6-v2's vocabulary,
// committed as a fixture), plus the algorithm's rules on a hand-made vocabulary and the
// vocabulary errors.
import JSON
import Posix
import Testing
import TestSupport
import Tokenizer

@Suite struct WordPieceTests {
    static let fixtureDirectory = Paths.fixtures + "/embeddings"

    static func minilm() throws -> WordPiece {
        try WordPiece(vocabularyText: try FileSystem.read(fixtureDirectory + "/vocab.txt"))
    }

    /// Every case of scripts/reference/wordpiece_ids.py, exactly: [CLS] … [SEP] truncated to 256
    /// ids, and the untruncated piece count.
    @Test func matchesHFTokenizersOnEveryReferenceText() throws {
        let tokenizer = try Self.minilm()
        #expect(tokenizer.vocabularySize == 30_522)
        #expect(tokenizer.classifierID == 101 && tokenizer.separatorID == 102 && tokenizer.unknownID == 100)
        #expect(tokenizer.paddingID == 0)
        let cases = try JSON.parse(try FileSystem.read(Self.fixtureDirectory + "/wordpiece-ids.json")).arrayValue ?? []
        #expect(cases.count >= 60)
        var agree = 0
        for c in cases {
            let text = c["text"]?.stringValue ?? ""
            let expected = (c["ids"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int32.init) }
            let got = tokenizer.encode(text, maxLength: 256)
            let pieces = tokenizer.tokenize(text).count
            #expect(got == expected, "\(text.debugDescription)")
            #expect(pieces == c["pieces"]?.intValue, "untruncated count for \(text.debugDescription)")
            if got == expected && pieces == c["pieces"]?.intValue { agree += 1 }
        }
        print("WordPiece: \(agree)/\(cases.count) reference texts match HF tokenizers exactly")
    }

    @Test func knownSentence() throws {
        let tokenizer = try Self.minilm()
        #expect(tokenizer.encode("The cat sits on the mat.") == [101, 1996, 4937, 7719, 2006, 1996, 13523, 1012, 102])
        #expect(tokenizer.token(for: 13523) == "mat")
        #expect(tokenizer.id(for: "##ing") != nil)
        #expect(tokenizer.encode("") == [101, 102])
        #expect(tokenizer.encode(String(repeating: "cat ", count: 50), maxLength: 5) == [101, 4937, 4937, 4937, 102])
    }

    /// A hand-made vocabulary where each rule shows: longest match first, "##" continuations, a
    /// word with an unmatched remainder becomes one [UNK], and the per-word character limit.
    @Test func greedyLongestMatch() throws {
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "unaff", "##a", "##ble", "a", ",", "é", "e"]
        let t = try WordPiece(tokens: vocab, maxCharactersPerWord: 9)
        #expect(t.tokenize("unaffable") == [7, 6])          // "unaff" + "##able", not "un" + "##aff" + ...
        #expect(t.tokenize("UNAFFABLE, a") == [7, 6, 11, 10])
        #expect(t.tokenize("unx") == [1])                   // "un" then nothing for "x": whole word [UNK]
        #expect(t.tokenize("aaaaaaaaaa") == [1])            // 10 characters > 9
        #expect(t.tokenize("unaffa") == [7, 8])
        #expect(t.tokenize("É") == [13])                    // accent stripped after NFD, then lower-cased
        let cased = try WordPiece(tokens: vocab, lowercase: false, stripAccents: false)
        #expect(cased.tokenize("é") == [12])
        #expect(cased.tokenize("A") == [1])
    }

    @Test func vocabularyErrors() {
        #expect(throws: TokenizerError.emptyVocabulary) { try WordPiece(tokens: []) }
        #expect(throws: TokenizerError.missingSpecialToken("[UNK]")) { try WordPiece(tokens: ["[CLS]", "[SEP]"]) }
        #expect(throws: TokenizerError.missingSpecialToken("[SEP]")) { try WordPiece(tokens: ["[UNK]", "[CLS]"]) }
        #expect(throws: TokenizerError.invalidUTF8(line: 2)) {
            try WordPiece(vocabularyText: Array("[UNK]\n".utf8) + [0xFF, 0x0A] + Array("[CLS]\n[SEP]\n".utf8))
        }
        #expect(TokenizerError.missingSpecialToken("[UNK]").description == "the vocabulary has no [UNK] token")
    }

    @Test func vocabularyTextLines() throws {
        let t = try WordPiece(vocabularyText: Array("[PAD]\r\n[UNK]  \n[CLS]\n[SEP]\nhello\n##s".utf8))
        #expect(t.vocabularySize == 6)
        #expect(t.tokenize("hellos Hello") == [4, 5, 4])
    }
}
