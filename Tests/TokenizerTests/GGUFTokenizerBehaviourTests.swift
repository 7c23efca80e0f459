// Behaviour that needs no reference ids: errors on unsupported metadata, a tiny hand-built BPE
// and SentencePiece vocabulary, streaming decode, and a speed print on 1 MB of text.
import Foundation
import GGUF
import TestSupport
import Testing
import Tokenizer

@Suite struct GGUFTokenizerBehaviourTests {
    /// A byte-level BPE vocabulary: the 256 byte characters, then "he", "ll", "hell", "hello".
    static func tinyBPE(pre: String = "gpt-2", model: String = "gpt2") throws -> Metadata {
        var chars: [String] = []
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            chars.append(printable ? String(UnicodeScalar(UInt8(b))) : "")
        }
        var next = 256
        for b in 0..<256 where chars[b].isEmpty {
            chars[b] = UnicodeScalar(UInt32(next)).map { String(Character($0)) } ?? "?"
            next += 1
        }
        let tokens = chars + ["he", "ll", "hell", "hello", "<|end|>"]
        var md = Metadata()
        try md.add("tokenizer.ggml.model", .string(model))
        try md.add("tokenizer.ggml.pre", .string(pre))
        try md.add("tokenizer.ggml.tokens", .array(MetadataArray(strings: tokens)))
        try md.add("tokenizer.ggml.token_type", .array(MetadataArray(tokens.indices.map { Int32($0 == 260 ? 3 : 1) })))
        try md.add("tokenizer.ggml.merges", .array(MetadataArray(strings: ["h e", "l l", "he ll", "hell o"])))
        try md.add("tokenizer.ggml.eos_token_id", .uint32(260))
        return md
    }

    @Test func tinyBytePairEncoding() throws {
        let tok = try GGUFTokenizer(metadata: Self.tinyBPE())
        #expect(tok.encode("hello") == [259])
        #expect(tok.encode("hell") == [258])
        #expect(tok.encode("hello hello", addSpecial: false) == [259, 32, 259])   // 32: "Ġ", the space byte
        #expect(tok.encode("he<|end|>", parseSpecial: true) == [256, 260])
        #expect(tok.encode("he<|end|>", parseSpecial: false).count > 2)
        #expect(tok.decode([259, 260]) == "hello")
        #expect(tok.decode([259, 260], renderSpecial: true) == "hello<|end|>")
        #expect(tok.isEndOfGeneration(260))
        #expect(tok.piece(259) == Array("hello".utf8))
    }

    @Test func unsupportedModelIsNamed() throws {
        #expect(throws: TokenizerError.unsupportedModel("t5")) { try GGUFTokenizer(metadata: Self.tinyBPE(model: "t5")) }
    }

    @Test func unsupportedPreTokenizerIsNamed() throws {
        #expect(throws: TokenizerError.unsupportedPreTokenizer("made-up")) {
            try GGUFTokenizer(metadata: Self.tinyBPE(pre: "made-up"))
        }
        let message = "\(TokenizerError.unsupportedPreTokenizer("made-up"))"
        #expect(message.contains("made-up") && message.contains("smollm"))
    }

    @Test func missingMergesIsAMetadataError() throws {
        var md = Metadata()
        try md.add("tokenizer.ggml.model", .string("gpt2"))
        try md.add("tokenizer.ggml.tokens", .array(MetadataArray(strings: ["a", "b"])))
        #expect(throws: TokenizerError.metadata(.missingKey("tokenizer.ggml.merges"))) { try GGUFTokenizer(metadata: md) }
    }

    @Test func emptyVocabularyIsRejected() throws {
        var md = Metadata()
        try md.add("tokenizer.ggml.model", .string("llama"))
        try md.add("tokenizer.ggml.tokens", .array(MetadataArray(strings: [])))
        #expect(throws: TokenizerError.emptyVocabulary) { try GGUFTokenizer(metadata: md) }
    }

    @Test func shortScoresAreRejected() throws {
        var md = Metadata()
        try md.add("tokenizer.ggml.model", .string("llama"))
        try md.add("tokenizer.ggml.tokens", .array(MetadataArray(strings: ["<unk>", "<s>", "</s>"])))
        try md.add("tokenizer.ggml.scores", .array(MetadataArray([Float(0)])))
        #expect(throws: TokenizerError.arrayTooShort(key: "tokenizer.ggml.scores", count: 1, tokens: 3)) {
            try GGUFTokenizer(metadata: md)
        }
    }

    /// A SentencePiece vocabulary: "▁" joins words, byte fallback covers the rest.
    @Test func tinySentencePiece() throws {
        var tokens = ["<unk>", "<s>", "</s>"]
        let hex = Array("0123456789ABCDEF")
        for b in 0..<256 { tokens.append("<0x\(hex[b >> 4])\(hex[b & 15])>") }
        tokens += ["▁", "h", "i", "▁h", "▁hi"]
        var types = [Int32](repeating: 1, count: tokens.count)
        types[0] = 2; types[1] = 3; types[2] = 3
        for b in 0..<256 { types[3 + b] = 6 }
        var scores = [Float](repeating: 0, count: tokens.count)
        scores[tokens.count - 2] = -2; scores[tokens.count - 1] = -1
        var md = Metadata()
        try md.add("tokenizer.ggml.model", .string("llama"))
        try md.add("tokenizer.ggml.tokens", .array(MetadataArray(strings: tokens)))
        try md.add("tokenizer.ggml.scores", .array(MetadataArray(scores)))
        try md.add("tokenizer.ggml.token_type", .array(MetadataArray(types)))
        let tok = try GGUFTokenizer(metadata: md)
        let hi = Int32(tokens.count - 1)
        #expect(tok.encode("hi") == [1, hi])
        #expect(tok.encode("hi!", addSpecial: false) == [hi, 3 + 0x21])
        #expect(tok.encode("é", addSpecial: false) == [259, 3 + 0xC3, 3 + 0xA9])
        #expect(tok.decode([1, hi, 3 + 0xC3, 3 + 0xA9]) == " hié")
        #expect(tok.decode([hi, hi]) == "hi hi")
    }

    @Test(.enabled(if: SmolLM2.available, "needs models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    func streamingDecoderEmitsWholeCharacters() throws {
        let tok = try GGUFTokenizer(file: try GGUFFile(path: SmolLM2.path))
        let text = "Emoji 👨‍👩‍👧‍👦 and 中文 and café — done."
        let ids = tok.encode(text)
        var stream = tok.makeStreamingDecoder()
        var joined = ""
        for id in ids {
            let part = stream.append(id)
            #expect(!part.contains("\u{FFFD}"), "partial UTF-8 leaked after token \(id)")
            joined += part
        }
        joined += stream.finish()
        #expect(joined == text)
    }

    @Test(.enabled(if: SmolLM2.available, "needs models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    func endOfGenerationTokens() throws {
        let tok = try GGUFTokenizer(file: try GGUFFile(path: SmolLM2.path))
        #expect(tok.isEndOfGeneration(2))          // <|im_end|>
        #expect(tok.isEndOfGeneration(0))          // <|endoftext|>
        #expect(!tok.isEndOfGeneration(1))
        #expect(tok.eot == 2)
        #expect(tok.encode("<|im_start|>user", parseSpecial: true).first == 1)
        #expect(tok.encode("<|im_start|>user", parseSpecial: false).first != 1)
    }

    /// Throughput on 1 MB of real text (printed, not asserted): SmolLM2, and the llama.cpp
    /// Llama 3 BPE and Llama SentencePiece vocabularies when the reference cache has them.
    @Test(.enabled(if: SmolLM2.available, "needs models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    func encodeSpeed() throws {
        var text = ""
        let root = Paths.packageRoot + "/corpus"
        let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".md") }.sorted()
        let sources = files.compactMap { try? String(contentsOfFile: root + "/" + $0, encoding: .utf8) }
        while text.utf8.count < 1 << 20 && !sources.isEmpty { for s in sources { text += s } }
        var paths = [("smollm2", SmolLM2.path)]
        for name in ["llama-bpe", "llama-spm"] {
            let p = ReferenceCache.vocabDirectory + "/ggml-vocab-\(name).gguf"
            if FileManager.default.fileExists(atPath: p) { paths.append((name, p)) }
        }
        for (name, path) in paths {
            let tok = try GGUFTokenizer(file: try GGUFFile(path: path))
            let clock = ContinuousClock()
            var ids: [Int32] = []
            let elapsed = clock.measure { ids = tok.encode(text) }
            let seconds = Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
            print("tokenizer speed \(name): \(text.utf8.count) bytes → \(ids.count) tokens in "
                  + "\(String(format: "%.3f", seconds)) s, \(Int(Double(ids.count) / seconds)) tokens/s, "
                  + "\(String(format: "%.1f", Double(text.utf8.count) / seconds / 1e6)) MB/s")
            #expect(ids.count > 100_000)
        }
    }
}
