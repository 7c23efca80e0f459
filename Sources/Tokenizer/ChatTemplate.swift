// Chat templates without a Jinja engine: recognise the family of `tokenizer.chat_template` by
// its distinctive markers (as llama.cpp's llm_chat_detect_template does) and render plain
// system/user/assistant conversations the way that template's Jinja would.

/// One chat message.
public struct ChatMessage: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
}

/// Per-call rendering choices.
public struct ChatRenderOptions: Sendable {
    /// Write the BOS text where the template writes `bos_token`. Off by default because
    /// `GGUFTokenizer.encode(addSpecial: true)` adds the BOS id itself (llama.cpp strips it too).
    public var includeBOS = false
    /// The date templates print ("26 Jul 2024" style for Llama 3.x, "April 02, 2025" style for
    /// Granite); nil means today, formatted as the template expects.
    public var date: String?
    /// Qwen3: `enable_thinking` (nil = the template's default, thinking on).
    public var enableThinking: Bool?

    public init(includeBOS: Bool = false, date: String? = nil, enableThinking: Bool? = nil) {
        self.includeBOS = includeBOS
        self.date = date
        self.enableThinking = enableThinking
    }
}

/// A chat-template family with the details its Jinja source fixes (default system prompt,
/// date header, spacing variant).
public struct ChatTemplate: Sendable, Equatable {
    /// The supported families.
    public enum Family: String, Sendable, CaseIterable {
        /// `<|im_start|>role\n...<|im_end|>\n` (SmolLM2, Qwen2, Qwen2.5, Qwen3, OLMo 2 Instruct...).
        case chatml
        /// `<|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>` (Llama 3.x).
        case llama3
        /// `<|start_of_role|>role<|end_of_role|>...<|end_of_text|>\n` (Granite 3.x / 4.x).
        case granite
        /// `<|user|>\n...\n<|assistant|>\n...eos` (Tulu 2, OLMoE Instruct).
        case tulu
        /// `[INST] ... [/INST]` (Mistral, Mixtral).
        case mistral
    }

    /// Spacing variants of the Mistral family, after Mistral's own naming.
    public enum MistralVariant: String, Sendable {
        /// "[INST] user [/INST]assistant</s>" (Mistral 7B v0.1/v0.2, Mixtral 8x7B).
        case v1
        /// "[INST]user[/INST]assistant</s>", the system prompt folded into the last user turn (Nemo).
        case v3Tekken = "v3-tekken"
        /// "[SYSTEM_PROMPT]...[/SYSTEM_PROMPT][INST]user[/INST]assistant</s>" (Mistral Small 3.x).
        case v7Tekken = "v7-tekken"
    }

    public let family: Family
    /// The system prompt the template inserts when the conversation has none.
    public var defaultSystemPrompt: String?
    /// Llama 3.1+: the "Cutting Knowledge Date" system header.
    public var knowledgeDateHeader = false
    /// Qwen3: `<think>` handling and `enable_thinking`.
    public var thinking = false
    public var mistralVariant: MistralVariant = .v1
    /// The texts the template calls `bos_token` / `eos_token`.
    public var bosText = ""
    public var eosText = ""

    /// Names accepted by `init(named:)`.
    public static let names = ["chatml", "llama3", "granite", "tulu", "olmoe", "mistral", "mistral-v1",
                               "mistral-v3-tekken", "mistral-v7-tekken"]

    /// A family by name, with no default system prompt.
    /// - Throws: `TokenizerError.unknownChatTemplateName`.
    public init(named name: String) throws {
        switch name {
        case "chatml": family = .chatml
        case "llama3": family = .llama3; bosText = "<|begin_of_text|>"
        case "granite": family = .granite
        case "tulu", "olmoe": family = .tulu; eosText = "<|endoftext|>"
        case "mistral", "mistral-v1": family = .mistral; bosText = "<s>"; eosText = "</s>"
        case "mistral-v3-tekken": family = .mistral; mistralVariant = .v3Tekken; bosText = "<s>"; eosText = "</s>"
        case "mistral-v7-tekken": family = .mistral; mistralVariant = .v7Tekken; bosText = "<s>"; eosText = "</s>"
        default: throw TokenizerError.unknownChatTemplateName(name, known: Self.names)
        }
    }

    /// The family of a Jinja template source, found by its markers.
    /// - Throws: `TokenizerError.unknownChatTemplate` with the template's first 120 characters.
    public init(source: String) throws {
        func has(_ s: String) -> Bool { source.contains(s) }
        if has("<|im_start|>") && !has("<|im_sep|>") && !has("<end_of_utterance>") {
            family = .chatml
            defaultSystemPrompt = Self.literalDefault(in: source, after: "<|im_start|>system\\n", until: "<|im_end|>")
            thinking = has("enable_thinking") || has("</think>")
        } else if has("[INST]") && !has("<<SYS>>") {
            family = .mistral
            bosText = "<s>"; eosText = "</s>"
            if has("[SYSTEM_PROMPT]") { mistralVariant = .v7Tekken }
            else if has("\"[INST]\"") { mistralVariant = .v3Tekken }
            else { mistralVariant = .v1 }
        } else if has("<|start_header_id|>") && has("<|end_header_id|>") {
            family = .llama3
            bosText = "<|begin_of_text|>"
            knowledgeDateHeader = has("Cutting Knowledge Date")
        } else if has("<|start_of_role|>") && has("<|end_of_role|>") {
            family = .granite
            defaultSystemPrompt = Self.graniteDefault(in: source)
        } else if has("<|user|>") && has("<|assistant|>") && has("eos_token") && !has("<|end|>") {
            family = .tulu
            eosText = "<|endoftext|>"
        } else {
            throw TokenizerError.unknownChatTemplate(excerpt: String(source.prefix(120)))
        }
    }

    /// The template of a model's tokenizer, with its BOS/EOS texts.
    /// - Throws: `TokenizerError.missingChatTemplate`, `.unknownChatTemplate`.
    public init(tokenizer: GGUFTokenizer) throws {
        guard let source = tokenizer.chatTemplateSource else { throw TokenizerError.missingChatTemplate }
        try self.init(source: source)
        if let bos = tokenizer.bos, let text = tokenizer.tokenText(bos) { bosText = String(decoding: text, as: UTF8.self) }
        if let eos = tokenizer.eos, let text = tokenizer.tokenText(eos) { eosText = String(decoding: text, as: UTF8.self) }
    }

    // MARK: - Reading literals out of Jinja sources

    /// The text of a string literal between `after` and `until`, when it is a plain literal (no
    /// quote, brace or concatenation in between); Jinja escapes \n, \' and \" are undone.
    static func literalDefault(in source: String, after: String, until: String) -> String? {
        var rest = Substring(source)
        while let a = rest.range(of: after) {
            rest = rest[a.upperBound...]
            guard let u = rest.range(of: until) else { return nil }
            let body = rest[..<u.lowerBound]
            if !body.contains(where: { "'\"{}+".contains($0) }) { return unescape(body) }
        }
        return nil
    }

    /// Granite's default system message: "Knowledge Cutoff Date ... You are Granite, developed by
    /// IBM." with the strftime_now(...) call replaced by a {date} placeholder.
    static func graniteDefault(in source: String) -> String? {
        guard let start = source.range(of: "Knowledge Cutoff Date"),
              let end = source.range(of: "You are Granite, developed by IBM.", range: start.upperBound..<source.endIndex)
        else { return nil }
        var text = String(source[start.lowerBound..<end.upperBound])
        // `..." + strftime_now('%B %d, %Y') + "...` → `...{date}...`
        if let call = text.range(of: "strftime_now(") {
            var open = call.lowerBound
            while open > text.startIndex && text[text.index(before: open)] != "\"" && text[text.index(before: open)] != "'" {
                open = text.index(before: open)
            }
            if let close = text.range(of: ")", range: call.upperBound..<text.endIndex) {
                var after = close.upperBound
                while after < text.endIndex && text[after] != "\"" && text[after] != "'" { after = text.index(after: after) }
                if open > text.startIndex && after < text.endIndex {
                    text.replaceSubrange(text.index(before: open)...after, with: "{date}")
                }
            }
        }
        return unescape(Substring(text))
    }

    private static func unescape(_ s: Substring) -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            guard c == "\\", let n = it.next() else { out.append(c); continue }
            switch n {
            case "n": out.append("\n")
            case "t": out.append("\t")
            default: out.append(n)
            }
        }
        return out
    }
}
