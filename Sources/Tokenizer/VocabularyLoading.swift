// Builds a Vocabulary from GGUF `tokenizer.*` metadata with llama.cpp's defaults and its
// name-based fix-ups (end-of-turn tokens, strip attributes), so ids and flags agree with it.
import GGUF

extension Vocabulary {
    /// Reads the vocabulary of a `gpt2` or `llama` tokenizer.
    /// - Throws: `TokenizerError.unsupportedModel`, `.unsupportedPreTokenizer`, `.emptyVocabulary`,
    ///   `.arrayTooShort`, `.metadata` (a key of the wrong type).
    static func load(_ md: Metadata) throws -> Vocabulary {
        let modelName = try read { try md.string("tokenizer.ggml.model") }
        let model: TokenizerModel
        switch modelName {
        case "gpt2": model = .bytePairEncoding
        case "llama": model = .sentencePiece
        default: throw TokenizerError.unsupportedModel(modelName)
        }
        let preName = try read { try md.string("tokenizer.ggml.pre", default: "") }
        if model == .bytePairEncoding && PreTokenizerKind.named(preName) == nil {
            throw TokenizerError.unsupportedPreTokenizer(preName)
        }

        // Token texts into one blob; an empty text becomes "[EMPTY_i]" as in llama.cpp.
        let tokens = try read { try md.array("tokenizer.ggml.tokens") }
        guard tokens.elementType == .string else {
            throw TokenizerError.metadata(.wrongType(key: "tokenizer.ggml.tokens", expected: "array[string]",
                                                     found: tokens.typeName))
        }
        let n = tokens.count
        if n == 0 { throw TokenizerError.emptyVocabulary }
        var blob: [UInt8] = []
        var offsets: [Int] = [0]
        offsets.reserveCapacity(n + 1)
        for i in 0..<n {
            _ = tokens.withStringBytes(at: i) { blob.append(contentsOf: $0) }
            if blob.count == offsets[i] { blob.append(contentsOf: Array("[EMPTY_\(i)]".utf8)) }
            offsets.append(blob.count)
        }

        var scores = [Float](repeating: 0, count: n)
        if md.contains("tokenizer.ggml.scores") {
            let a = try read { try md.array("tokenizer.ggml.scores") }
            let values: [Float]
            if let f = a.scalars(Float.self) { values = f }
            else if let iv = a.scalars(Int32.self) { values = iv.map { Float($0) } }
            else {
                throw TokenizerError.metadata(.wrongType(key: "tokenizer.ggml.scores",
                                                         expected: "array[float32] or array[int32]", found: a.typeName))
            }
            if values.count < n { throw TokenizerError.arrayTooShort(key: "tokenizer.ggml.scores", count: values.count, tokens: n) }
            scores = Array(values[0..<n])
        }
        var attributes = [TokenAttributes](repeating: .normal, count: n)
        if md.contains("tokenizer.ggml.token_type") {
            let types = try read { try md.ints("tokenizer.ggml.token_type") }
            if types.count < n { throw TokenizerError.arrayTooShort(key: "tokenizer.ggml.token_type", count: types.count, tokens: n) }
            for i in 0..<n { attributes[i] = TokenAttributes(tokenType: types[i]) }
        }

        let v = Vocabulary(model: model, preName: preName, blob: blob, offsets: offsets, scores: scores,
                           attributes: attributes)
        try v.configure(md)
        return v
    }

    /// Special ids, add-bos/eos and whitespace flags, then llama.cpp's name-based fix-ups.
    private func configure(_ md: Metadata) throws {
        func optionalID(_ key: String, _ fallback: Int32?) throws -> Int32? {
            var id = fallback.flatMap { isValid($0) ? $0 : nil }
            if md.contains(key) {
                let value = try read { try md.int(key) }
                // llama.cpp keeps the default when the stored id is out of range.
                if value >= 0 && value < count { id = Int32(value) }
            }
            return id
        }
        func flag(_ key: String, _ fallback: Bool) throws -> Bool {
            try read { try md.bool(key, default: fallback) }
        }

        var flags = PreTokenizerKind.Flags()
        switch model {
        case .sentencePiece:
            bos = try optionalID("tokenizer.ggml.bos_token_id", 1)
            eos = try optionalID("tokenizer.ggml.eos_token_id", 2)
            unk = try optionalID("tokenizer.ggml.unknown_token_id", 0)
            addSpacePrefix = true
            addBOS = true
            cleanSpaces = false
        case .bytePairEncoding:
            flags = PreTokenizerKind.flags(for: preName)
            bos = try optionalID("tokenizer.ggml.bos_token_id", flags.noBOS ? nil : 11)
            eos = try optionalID("tokenizer.ggml.eos_token_id", 11)
            unk = try optionalID("tokenizer.ggml.unknown_token_id", nil)
            addBOS = flags.addBOS
            cleanSpaces = flags.cleanSpaces
            ignoreMerges = flags.ignoreMerges
        }
        eot = try optionalID("tokenizer.ggml.eot_token_id", nil)
        eom = try optionalID("tokenizer.ggml.eom_token_id", nil)
        sep = try optionalID("tokenizer.ggml.seperator_token_id", nil)   // sic: llama.cpp's spelling
        pad = try optionalID("tokenizer.ggml.padding_token_id", nil)
        addSpacePrefix = try flag("tokenizer.ggml.add_space_prefix", addSpacePrefix)
        removeExtraWhitespaces = try flag("tokenizer.ggml.remove_extra_whitespaces", false)
        addBOS = try flag("tokenizer.ggml.add_bos_token", addBOS)
        addEOS = try flag("tokenizer.ggml.add_eos_token", false)
        if addBOS && bos == nil { addBOS = false }
        if addEOS && eos == nil { addEOS = false }

        applyNameBasedFixUps(generalName: (try? md.string("general.name")) ?? "")
    }

    /// llama.cpp recognises end-of-turn and fill-in-the-middle tokens by their text, marks them
    /// as control tokens, and collects the end-of-generation set; strip flags depend on the model.
    private func applyNameBasedFixUps(generalName: String) {
        func firstPresent(_ texts: [String]) -> Int32? {
            for t in texts { if let id = id(of: t) { return id } }
            return nil
        }
        func markControl(_ id: Int32?) { if let id { attributes[Int(id)].insert(.control) } }

        if eot == nil {
            eot = firstPresent(["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                                "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
                                "<end_of_utterance>"])
            markControl(eot)
        }
        if eom == nil { eom = firstPresent(["<|eom_id|>"]); markControl(eom) }
        let fimPre = firstPresent(["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>",
                                   "▁<PRE>", "<|code_prefix|>", "<|prefix|>"])
        let fimSuf = firstPresent(["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>",
                                   "▁<SUF>", "<|code_suffix|>", "<|suffix|>"])
        let fimMid = firstPresent(["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>",
                                   "▁<MID>", "<|code_middle|>", "<|middle|>"])
        let fimPad = firstPresent(["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"])
        let fimRep = firstPresent(["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"])
        let fimSep = firstPresent(["<|file_sep|>"])
        for id in [fimPre, fimSuf, fimMid, fimPad, fimRep, fimSep] { markControl(id) }

        var eog = Set([fimPad, fimRep, fimSep, eos, eot, eom].compactMap { $0 })
        for text in ["<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
                     "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
                     "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
                     "<｜end▁of▁sentence｜>", "[e~["] {
            if let id = id(of: text) { eog.insert(id); markControl(id) }
        }
        // gpt-oss and solar-open: "<|end|>" separates messages there and must not stop generation.
        let texts = Set(eog.map { String(decoding: text(Int($0)), as: UTF8.self) })
        if let end = id(of: "<|end|>"), texts.contains("<|end|>"),
           (texts.contains("<|return|>") && texts.contains("<|call|>"))
            || (texts.contains("<|calls|>") && texts.contains("<|flush|>")) {
            eog.remove(end)
            attributes[Int(end)] = .userDefined
        }
        if let s = id(of: "</s>"), eog.contains(s), texts.contains("<|tool_response>") || texts.contains("<|plamo:eos|>") {
            eog.remove(s)
            attributes[Int(s)] = .normal
        }
        for text in ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"] {
            if let id = id(of: text) { attributes[Int(id)] = .userDefined }
        }
        endOfGeneration = eog

        let special = (0..<count).filter { !attributes[$0].isDisjoint(with: [.control, .userDefined, .unknown]) }
        specialTokens = special.sorted { textLength($0) != textLength($1) ? textLength($0) > textLength($1) : $0 < $1 }
            .map { Int32($0) }

        let name = generalName.lowercased()
        if ["jina-v2-de", "jina-v2-es", "jina-v2-code"].contains(where: { preName.contains($0) }), let m = id(of: "<mask>") {
            attributes[Int(m)].insert(.lstrip)
        } else if name.contains("phi-3") || name.contains("phi3") {
            for id in specialTokens { attributes[Int(id)].insert(.rstrip) }
            if let id = id(of: "</s>") { attributes[Int(id)].insert(.rstrip) }
            for text in ["<unk>", "<s>", "<|endoftext|>"] { if let id = id(of: text) { attributes[Int(id)].remove(.rstrip) } }
        }
        specialIndex = SpecialIndex(self)
    }
}

/// Runs a metadata read, turning its GGUFError into `TokenizerError.metadata`.
private func read<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as GGUFError { throw TokenizerError.metadata(e) }
}
