// The one error type of the Model module: reading weight files (safetensors), configs and
// vocabularies, and binding tensors to an architecture. Cases carry the facts; only
// `description` writes English.
import GGUF
import Tokenizer

/// Everything that can go wrong loading or running a model.
public enum ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Reading or mapping a file failed; `message` is the system's.
    case io(path: String, message: String)
    /// A safetensors file shorter than its 8-byte header length.
    case truncatedHeader(path: String, fileSize: Int)
    /// The header length exceeds the sanity limit (a corrupt or hostile length field).
    case headerTooLarge(path: String, length: UInt64, limit: Int)
    /// The header length points past the end of the file.
    case headerPastEnd(path: String, length: UInt64, fileSize: Int)
    /// The header is not valid JSON (or not a JSON object).
    case headerNotJSON(path: String, detail: String)
    /// A tensor entry lacks a field or has one of the wrong type (`field` is "dtype", "shape"
    /// or "data_offsets").
    case badTensorEntry(path: String, tensor: String, field: String)
    /// A dtype this reader does not handle (e.g. "F8_E4M3", "I32").
    case unsupportedDType(tensor: String, dtype: String)
    /// The tensor's byte range is not inside the data section (or ends before it begins).
    case tensorOutOfBounds(tensor: String, begin: Int, end: Int, dataSize: Int)
    /// The byte range does not hold product(shape) × dtype size bytes.
    case tensorSizeMismatch(tensor: String, shape: [Int], dtype: String, bytes: Int)
    /// product(shape) × dtype size overflows, or a dimension is negative.
    case tensorTooLarge(tensor: String, shape: [Int])
    /// A tensor the architecture needs is not in the file.
    case missingTensor(name: String)
    /// A tensor has another shape than the configuration implies.
    case shape(name: String, expected: [Int], found: [Int])
    /// A tensor has a dtype the architecture cannot use there (e.g. I64 weights).
    case dtype(name: String, expected: String, found: String)
    /// A configuration file is not valid JSON.
    case badJSON(file: String, detail: String)
    /// A configuration key is absent or not of the expected type.
    case missingConfig(file: String, key: String)
    /// A configuration value is out of range or inconsistent (e.g. hidden size not divisible
    /// by the head count, an activation other than GELU).
    case badConfig(file: String, key: String, value: String)
    /// The vocabulary could not be read.
    case tokenizer(TokenizerError)
    /// The tokenizer knows more tokens than the embedding matrix has rows.
    case vocabularyMismatch(tokenizer: Int, embeddings: Int)

    // MARK: - GGUF language models (LanguageModel and the architectures)

    /// The GGUF file could not be opened or parsed, or a metadata key is missing or mistyped.
    case gguf(path: String, GGUFError)
    /// `general.architecture` names an architecture this engine does not run.
    case unknownArchitecture(String)
    /// A hyperparameter is out of range or inconsistent with the others.
    case hyperparameter(key: String, value: String, reason: String)
    /// A tensor is stored in a format the kernels cannot use there (e.g. Q2_K, or a quantised norm).
    case unsupportedTensorType(name: String, type: String)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(token: Int32, vocabulary: Int)
    /// Evaluating `tokens` more tokens at `position` would overflow the KV cache of `context`.
    case contextFull(position: Int, tokens: Int, context: Int)

    public var description: String {
        switch self {
        case let .io(path, message):
            return "\(path): \(message)"
        case let .truncatedHeader(path, size):
            return "\(path): \(size) bytes is too short for a safetensors file (8-byte header length missing)"
        case let .headerTooLarge(path, length, limit):
            return "\(path): safetensors header length \(length) exceeds the limit of \(limit) bytes"
        case let .headerPastEnd(path, length, size):
            return "\(path): safetensors header length \(length) runs past the end of the \(size)-byte file"
        case let .headerNotJSON(path, detail):
            return "\(path): the safetensors header is not a JSON object: \(detail)"
        case let .badTensorEntry(path, tensor, field):
            return "\(path): tensor \(tensor) has a missing or malformed \"\(field)\""
        case let .unsupportedDType(tensor, dtype):
            return "tensor \(tensor) has dtype \(dtype); supported are F32, F16, BF16 and I64"
        case let .tensorOutOfBounds(tensor, begin, end, size):
            return "tensor \(tensor) occupies bytes \(begin)..<\(end), outside the \(size)-byte data section"
        case let .tensorSizeMismatch(tensor, shape, dtype, bytes):
            return "tensor \(tensor) is \(dtype) \(shape) but occupies \(bytes) bytes"
        case let .tensorTooLarge(tensor, shape):
            return "tensor \(tensor) has an impossible shape \(shape)"
        case let .missingTensor(name):
            return "tensor \(name) is missing"
        case let .shape(name, expected, found):
            return "tensor \(name) has shape \(found), expected \(expected)"
        case let .dtype(name, expected, found):
            return "tensor \(name) has dtype \(found), expected \(expected)"
        case let .badJSON(file, detail):
            return "\(file): not valid JSON: \(detail)"
        case let .missingConfig(file, key):
            return "\(file): \"\(key)\" is missing or not of the expected type"
        case let .badConfig(file, key, value):
            return "\(file): \"\(key)\" = \(value) is not supported"
        case let .tokenizer(error):
            return "vocabulary: \(error)"
        case let .vocabularyMismatch(tokenizer, embeddings):
            return "the vocabulary has \(tokenizer) tokens but the embedding matrix only \(embeddings) rows"
        case let .gguf(path, error):
            return "\(path): \(error)"
        case let .unknownArchitecture(name):
            return "architecture '\(name)' is not supported; supported are \(DecoderArchitecture.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .hyperparameter(key, value, reason):
            return "hyperparameter \(key) = \(value): \(reason)"
        case let .unsupportedTensorType(name, type):
            return "tensor \(name) is stored as \(type), which this engine cannot use there"
        case let .tokenOutOfRange(token, vocabulary):
            return "token id \(token) is outside the vocabulary of \(vocabulary) tokens"
        case let .contextFull(position, tokens, context):
            return "\(tokens) more tokens at position \(position) exceed the context of \(context) tokens"
        }
    }
}
