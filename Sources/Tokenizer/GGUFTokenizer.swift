// The public tokenizer of a GGUF model: encode (special tokens split out first, then BPE or
// SentencePiece on the text between them), per-token pieces, and llama.cpp-identical decoding.
import GGUF

/// The tokenizer stored in a GGUF file's `tokenizer.*` metadata (`gpt2` byte-level BPE or
/// `llama` SentencePiece), producing the ids llama.cpp produces.
///
/// Immutable after `init` and safe to share between threads.
public final class GGUFTokenizer: Sendable {
    private let vocabulary: Vocabulary
    private let bpe: BPEEncoder?
    private let spm: SentencePieceEncoder?
    /// token_to_piece(special: true) of every token, in one blob.
    private let pieceBlob: [UInt8]
    private let pieceOffsets: [Int]

    /// `tokenizer.chat_template`, when the file has one.
    public let chatTemplateSource: String?
    /// `tokenizer.ggml.model`: "gpt2" or "llama".
    public let modelName: String
    /// `tokenizer.ggml.pre` ("" when absent).
    public var preTokenizerName: String { vocabulary.preName }

    /// Loads the tokenizer of `file`.
    /// - Throws: `TokenizerError.unsupportedModel`, `.unsupportedPreTokenizer`, `.emptyVocabulary`,
    ///   `.arrayTooShort`, `.metadata` (a missing or mistyped key, e.g. no merges for gpt2).
    public convenience init(file: GGUFFile) throws {
        try self.init(metadata: file.metadata)
    }

    /// Loads the tokenizer described by GGUF metadata.
    /// - Throws: as `init(file:)`.
    public init(metadata: Metadata) throws {
        let v = try Vocabulary.load(metadata)
        vocabulary = v
        switch v.model {
        case .bytePairEncoding:
            modelName = "gpt2"
            let kind = PreTokenizerKind.named(v.preName) ?? .default
            bpe = BPEEncoder(vocabulary: v, preTokenizer: PreTokenizer(kind: kind),
                             merges: try MergeTable(metadata: metadata, vocabulary: v))
            spm = nil
        case .sentencePiece:
            modelName = "llama"
            bpe = nil
            spm = SentencePieceEncoder(vocabulary: v)
        }
        chatTemplateSource = try? metadata.string("tokenizer.chat_template")
        var blob: [UInt8] = []
        var offsets: [Int] = [0]
        offsets.reserveCapacity(v.count + 1)
        for id in 0..<v.count {
            Self.appendPiece(of: id, in: v, to: &blob)
            offsets.append(blob.count)
        }
        pieceBlob = blob
        pieceOffsets = offsets
    }

    // MARK: - Vocabulary facts

    /// Number of tokens.
    public var vocabularySize: Int { vocabulary.count }
    /// Beginning-of-sequence id.
    public var bos: Int32? { vocabulary.bos }
    /// End-of-sequence id.
    public var eos: Int32? { vocabulary.eos }
    /// End-of-turn id (from the metadata, else the first of llama.cpp's known texts present).
    public var eot: Int32? { vocabulary.eot }
    /// Unknown-token id.
    public var unk: Int32? { vocabulary.unk }
    /// Padding id.
    public var pad: Int32? { vocabulary.pad }
    /// Whether `encode(addSpecial: true)` prepends BOS / appends EOS.
    public var addsBOS: Bool { vocabulary.addBOS }
    public var addsEOS: Bool { vocabulary.addEOS }
    /// Every id that ends generation (eos, eot, eom and the end-of-turn tokens llama.cpp knows).
    public var endOfGenerationTokens: Set<Int32> { vocabulary.endOfGeneration }

    /// Whether generating `id` ends a reply.
    public func isEndOfGeneration(_ id: Int32) -> Bool { vocabulary.endOfGeneration.contains(id) }

    /// Whether `id` is a control token (hidden unless rendering specials).
    public func isControl(_ id: Int32) -> Bool {
        vocabulary.isValid(id) && vocabulary.attributes[Int(id)].contains(.control)
    }

    /// The stored text of token `id` (byte-level or "▁" form), or nil when out of range.
    public func tokenText(_ id: Int32) -> [UInt8]? { vocabulary.isValid(id) ? vocabulary.text(Int(id)) : nil }

    /// The id whose stored text is exactly `text` (e.g. "<|im_start|>").
    public func tokenID(_ text: String) -> Int32? { vocabulary.id(of: text) }

    // MARK: - Encoding

    /// Tokenizes `text` like llama.cpp's `llama_tokenize`.
    /// - Parameters:
    ///   - addSpecial: prepend BOS / append EOS when the model asks for them.
    ///   - parseSpecial: turn literal control-token texts (e.g. "<|im_start|>") into their ids;
    ///     user-defined tokens are always recognised.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer {
            encode(bytes: UnsafeBufferPointer($0), addSpecial: addSpecial, parseSpecial: parseSpecial)
        }
    }

    /// Tokenizes raw bytes (invalid UTF-8 is read as U+FFFD, as llama.cpp does).
    public func encode(bytes: UnsafeBufferPointer<UInt8>, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 2)
        let v = vocabulary
        if addSpecial && v.addBOS, let bos = v.bos { out.append(bos) }
        var previousWasSpecial = true       // SentencePiece: a space prefix goes at the start too
        for fragment in v.partition(bytes, parseSpecial: parseSpecial) {
            switch fragment {
            case let .token(id):
                out.append(id)
                previousWasSpecial = true
            case let .text(range):
                let slice = UnsafeBufferPointer(rebasing: bytes[range])
                if let bpe {
                    bpe.encode(slice, into: &out)
                } else if let spm {
                    spm.encode(slice, prefixSpace: v.addSpacePrefix && previousWasSpecial, into: &out)
                }
                previousWasSpecial = false
            }
        }
        if addSpecial && v.addEOS, let eos = v.eos { out.append(eos) }
        return out
    }

    // MARK: - Decoding

    /// The bytes token `id` stands for, special tokens rendered (empty when out of range).
    /// Pieces may be partial UTF-8 (byte tokens); `StreamingDecoder` joins them safely.
    public func piece(_ id: Int32) -> [UInt8] {
        guard vocabulary.isValid(id) else { return [] }
        return Array(pieceBlob[pieceOffsets[Int(id)]..<pieceOffsets[Int(id) + 1]])
    }

    /// Appends the piece of `id`; control and unknown tokens only when `renderSpecial`.
    func appendPiece(_ id: Int32, renderSpecial: Bool, to out: inout [UInt8]) {
        guard vocabulary.isValid(id) else { return }
        if !renderSpecial && !vocabulary.attributes[Int(id)].isDisjoint(with: [.control, .unknown]) { return }
        out.append(contentsOf: pieceBlob[pieceOffsets[Int(id)]..<pieceOffsets[Int(id) + 1]])
    }

    /// Detokenizes like llama.cpp's `llama_detokenize(remove_special: false, unparse_special:
    /// renderSpecial)`: SentencePiece drops the first piece's leading space, and vocabularies
    /// that ask for it get HF's space clean-up (" ," → ","). Invalid UTF-8 becomes U+FFFD.
    public func decode(_ tokens: [Int32], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(tokens, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// `decode` without the final UTF-8 repair.
    public func decodeBytes(_ tokens: [Int32], renderSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for (i, id) in tokens.enumerated() {
            let before = out.count
            appendPiece(id, renderSpecial: renderSpecial, to: &out)
            if i == 0 && vocabulary.addSpacePrefix && out.count > before && out[before] == 0x20 {
                out.remove(at: before)
            }
        }
        if vocabulary.cleanSpaces { Self.cleanSpaces(&out) }
        return out
    }

    /// A decoder for streamed generation that only ever emits complete UTF-8.
    public func makeStreamingDecoder(renderSpecial: Bool = false) -> StreamingDecoder {
        StreamingDecoder(tokenizer: self, renderSpecial: renderSpecial)
    }
}
