// The one error type of the Tokenizer module. Cases carry the facts; only `description` turns
// them into English, so callers and tests match cases, never prose.
import GGUF

/// Everything that can go wrong building a tokenizer or rendering a chat.
public enum TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    // MARK: - GGUF tokenizers

    /// Reading a `tokenizer.*` key failed (missing, wrong type); the GGUF error says which key.
    case metadata(GGUFError)
    /// `tokenizer.ggml.model` names a tokenizer this build does not implement (e.g. "t5", "rwkv").
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this build does not implement.
    case unsupportedPreTokenizer(String)
    /// A per-token array (scores, token types) is shorter than the token list.
    case arrayTooShort(key: String, count: Int, tokens: Int)
    /// The vocabulary has no tokens at all.
    case emptyVocabulary
    /// `tokenizer.chat_template` is none of the families we render; `excerpt` is its start.
    case unknownChatTemplate(excerpt: String)
    /// `ChatTemplate(named:)` got a name it does not know; `known` lists the accepted ones.
    case unknownChatTemplateName(String, known: [String])
    /// The file has no `tokenizer.chat_template` and no template name was given.
    case missingChatTemplate
    /// A chat message's role that the template family cannot render (e.g. "tool" for Mistral).
    case unsupportedRole(role: String, template: String)
    /// The template requires alternating user/assistant turns (Mistral) and `index` breaks that.
    case roleOrder(index: Int, role: String, template: String)

    // MARK: - WordPiece (vocab.txt)

    /// A token the tokenizer cannot work without (e.g. "[UNK]", "[CLS]") is not in the vocabulary.
    case missingSpecialToken(String)
    /// A vocabulary line (1-based) is not valid UTF-8.
    case invalidUTF8(line: Int)
    /// More tokens than token ids can number (ids are Int32).
    case vocabularyTooLarge(count: Int)

    public var description: String {
        switch self {
        case let .metadata(error):
            return "tokenizer metadata: \(error)"
        case let .unsupportedModel(name):
            return "tokenizer model '\(name)' is not supported (supported: \"gpt2\" byte-level BPE, "
                + "\"llama\" SentencePiece)"
        case let .unsupportedPreTokenizer(name):
            return "pre-tokenizer '\(name)' (tokenizer.ggml.pre) is not supported; supported: "
                + PreTokenizerKind.supportedNames.joined(separator: ", ")
        case let .arrayTooShort(key, count, tokens):
            return "\(key) has \(count) entries for \(tokens) tokens"
        case .emptyVocabulary:
            return "the vocabulary is empty"
        case let .unknownChatTemplate(excerpt):
            return "unknown chat template (not ChatML, Llama-3, Granite, Tulu or Mistral): \"\(excerpt)\"; "
                + "name one explicitly with ChatTemplate(named:)"
        case let .unknownChatTemplateName(name, known):
            return "unknown chat template name '\(name)'; known: \(known.joined(separator: ", "))"
        case .missingChatTemplate:
            return "the model has no tokenizer.chat_template; name a template family explicitly"
        case let .unsupportedRole(role, template):
            return "the \(template) chat template cannot render a message with role '\(role)'"
        case let .roleOrder(index, role, template):
            return "the \(template) chat template needs alternating user/assistant turns; message \(index) "
                + "has role '\(role)'"
        case let .missingSpecialToken(token):
            return "the vocabulary has no \(token) token"
        case let .invalidUTF8(line):
            return "vocabulary line \(line) is not valid UTF-8"
        case let .vocabularyTooLarge(count):
            return "the vocabulary has \(count) tokens, more than 32-bit token ids can number"
        }
    }
}
