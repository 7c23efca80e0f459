// The Corpus module's one error type: why a file could not be turned into text. The ingest report
// shows `description`; the ingest driver matches on the case to decide skip vs retry.
public enum CorpusError: Error, CustomStringConvertible, Sendable, Equatable {
    // MARK: - Files
    /// The file is larger than the configured limit.
    case tooLarge(path: String, size: Int64, limit: Int64)
    /// The bytes do not look like text (NUL bytes or mostly control characters).
    case binaryContent(path: String)
    /// The file changed size or time while we read it; the caller retries later.
    case changedWhileReading(path: String)
    /// No extractor handles this file type.
    case unsupported(path: String, reason: String)
    /// A read failed (permissions, vanished file...).
    case unreadable(path: String, reason: String)

    // MARK: - Formats
    /// The content is malformed for its format.
    case malformed(format: String, reason: String)

    public var description: String {
        switch self {
        case let .tooLarge(path, size, limit):
            return "\(path): \(size) bytes exceeds the file size limit of \(limit) bytes"
        case let .binaryContent(path):
            return "\(path): binary content, not text"
        case let .changedWhileReading(path):
            return "\(path): changed while being read"
        case let .unsupported(path, reason):
            return "\(path): unsupported (\(reason))"
        case let .unreadable(path, reason):
            return "\(path): cannot read (\(reason))"
        case let .malformed(format, reason):
            return "malformed \(format): \(reason)"
        }
    }
}
