// Chat templates without a Jinja engine: recognise the family of `tokenizer.chat_template` by
// its distinctive markers (as llama.cpp's llm_chat_detect_template does) and render plain
// system/user/assistant conversations the way that template's Jinja would.
import Foundation

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
    /// The date the template prints (Llama 3.2, Granite 3.x, Mistral Small); nil means now.
    /// Each template formats it its own way; Llama 3.1's template prints a fixed date instead.
    public var date: Date?
    /// Qwen3: `enable_thinking` (nil = the template's default, thinking on).
    public var enableThinking: Bool?

    public init(includeBOS: Bool = false, date: Date? = nil, enableThinking: Bool? = nil) {
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
    /// How the template prints dates (a DateFormatter pattern), and a date it prints instead of
    /// today's when it has no clock (Llama 3.1: "26 Jul 2024").
    public var dateFormat = "dd MMM yyyy"
    public var fixedDate: String?
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
            // Templates write the newline inside the literal either escaped or as is.
            defaultSystemPrompt = Self.literalDefault(in: source, after: "<|im_start|>system\\n", until: "<|im_end|>")
                ?? Self.literalDefault(in: source, after: "<|im_start|>system\n", until: "<|im_end|>")
            thinking = has("enable_thinking") || has("</think>")
        } else if has("[INST]") && !has("<<SYS>>") {
            family = .mistral
            bosText = "<s>"; eosText = "</s>"
            if has("[SYSTEM_PROMPT]") { mistralVariant = .v7Tekken }
            else if has("\"[INST]\"") { mistralVariant = .v3Tekken }
            else { mistralVariant = .v1 }
            if mistralVariant == .v7Tekken { defaultSystemPrompt = JinjaStrings.assignedString("default_system_message = ", in: source) }
        } else if has("<|start_header_id|>") && has("<|end_header_id|>") {
            family = .llama3
            bosText = "<|begin_of_text|>"
            knowledgeDateHeader = has("Cutting Knowledge Date")
            if !has("strftime_now") { fixedDate = JinjaStrings.assignedString("set date_string = ", in: source) ?? "26 Jul 2024" }
        } else if has("<|start_of_role|>") && has("<|end_of_role|>") {
            family = .granite
            defaultSystemPrompt = JinjaStrings.assignedString("default_system_message = ", in: source)
                ?? JinjaStrings.assignedString("set system_message = ", in: source)
            // Granite 3.x appends this when the conversation has no tools, documents or thinking.
            if let d = defaultSystemPrompt, has("system_message + \" You are a helpful AI assistant.\"") {
                defaultSystemPrompt = d + " You are a helpful AI assistant."
            }
        } else if has("<|user|>") && has("<|assistant|>") && has("eos_token") && !has("<|end|>") {
            family = .tulu
            eosText = "<|endoftext|>"
        } else {
            throw TokenizerError.unknownChatTemplate(excerpt: String(source.prefix(120)))
        }
        if let format = JinjaStrings.strftimeFormat(in: source) { dateFormat = format }
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

    static func unescape(_ s: Substring) -> String {
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
