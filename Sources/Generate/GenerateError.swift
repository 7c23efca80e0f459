// The one error type of the Generate module: bad options, prompts that cannot run, and failures
// of the model or tokenizer underneath. Cases carry the facts; only `description` writes English.
import Model
import Tokenizer

/// Everything that can go wrong setting up or running a generation.
public enum GenerateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The model file has no tokenizer, so text cannot be encoded or decoded.
    case noTokenizer(path: String)
    /// A sampling or stopping option is out of range.
    case invalidOption(name: String, value: String, reason: String)
    /// The prompt encodes to no tokens.
    case emptyPrompt
    /// The prompt alone does not fit the KV cache.
    case promptTooLong(tokens: Int, context: Int)
    /// The model failed (token out of range, context full, ...).
    case model(ModelError)
    /// The chat template could not be found or rendered.
    case tokenizer(TokenizerError)

    public var description: String {
        switch self {
        case let .noTokenizer(path):
            return "\(path) has no tokenizer (tokenizer.ggml.* metadata); text generation needs one"
        case let .invalidOption(name, value, reason):
            return "\(name) = \(value): \(reason)"
        case .emptyPrompt:
            return "the prompt is empty (it encodes to no tokens)"
        case let .promptTooLong(tokens, context):
            return "the prompt has \(tokens) tokens but the context holds \(context)"
        case let .model(error):
            return "\(error)"
        case let .tokenizer(error):
            return "\(error)"
        }
    }
}
