// The one error type of the Tokenizer module. Cases carry the facts; only `description` turns
// them into English, so callers and tests match cases, never prose.

/// Everything that can go wrong building a tokenizer from vocabulary data.
public enum TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The vocabulary has no tokens at all.
    case emptyVocabulary
    /// A token the tokenizer cannot work without (e.g. "[UNK]", "[CLS]") is not in the vocabulary.
    case missingSpecialToken(String)
    /// A vocabulary line (1-based) is not valid UTF-8.
    case invalidUTF8(line: Int)
    /// More tokens than token ids can number (ids are Int32).
    case vocabularyTooLarge(count: Int)

    public var description: String {
        switch self {
        case .emptyVocabulary:
            return "the vocabulary is empty"
        case let .missingSpecialToken(token):
            return "the vocabulary has no \(token) token"
        case let .invalidUTF8(line):
            return "vocabulary line \(line) is not valid UTF-8"
        case let .vocabularyTooLarge(count):
            return "the vocabulary has \(count) tokens, more than 32-bit token ids can number"
        }
    }
}
