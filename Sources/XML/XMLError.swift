// The XML module's one error type. libxml2's own diagnostics are turned into these cases at the
// parse call (with line and column); the English lives only in `description`.

/// Why a document could not be parsed.
///
/// HTML parsing recovers from any malformed markup, so HTML raises only `empty`, `binary`,
/// `tooLarge` and `outOfMemory`. XML parsing raises the rest too.
public enum XMLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The input holds no markup or text at all (zero bytes or whitespace only).
    case empty
    /// The input is not text: it holds a NUL byte or mostly control characters near `offset`.
    case binary(offset: Int)
    /// The input is `size` bytes, more than the caller's `limit`.
    case tooLarge(size: Int, limit: Int)
    /// Elements nest more than `limit` deep; `line` is where the limit was crossed.
    case tooDeep(line: Int, limit: Int)
    /// Entity references expand beyond what the input can justify (the "billion laughs" attack)
    /// or refer to themselves. The document is refused.
    case entityExpansion(line: Int, column: Int)
    /// A general entity is used but never declared.
    case undefinedEntity(name: String, line: Int, column: Int)
    /// An end tag does not match the open element: `<open>` ... `</close>`.
    case mismatchedTag(open: String, close: String, line: Int, column: Int)
    /// The input ends inside an open element or before the root element closes.
    case unexpectedEnd(line: Int, column: Int)
    /// The XML declaration names an encoding libxml2 cannot decode.
    case unsupportedEncoding(name: String)
    /// The document has no root element (empty prolog, only comments).
    case noRootElement
    /// Any other well-formedness error: libxml2's error code and message (data from the
    /// library, kept verbatim) with where it was found.
    case malformed(code: Int, message: String, line: Int, column: Int)
    /// libxml2 could not allocate memory.
    case outOfMemory

    public var description: String {
        switch self {
        case .empty:
            return "the document is empty"
        case let .binary(offset):
            return "binary content near byte \(offset), not markup"
        case let .tooLarge(size, limit):
            return "the document is \(size) bytes, more than the limit of \(limit)"
        case let .tooDeep(line, limit):
            return "line \(line): elements nest more than \(limit) deep"
        case let .entityExpansion(line, column):
            return "\(line):\(column): entity references expand too much (or loop); refused"
        case let .undefinedEntity(name, line, column):
            return "\(line):\(column): entity '\(name)' is used but not declared"
        case let .mismatchedTag(open, close, line, column):
            return "\(line):\(column): end tag </\(close)> does not match the open element <\(open)>"
        case let .unexpectedEnd(line, column):
            return "\(line):\(column): the document ends before its elements are closed"
        case let .unsupportedEncoding(name):
            return "the document's encoding '\(name)' is not supported"
        case .noRootElement:
            return "the document has no root element"
        case let .malformed(code, message, line, column):
            return "\(line):\(column): \(message) (libxml2 error \(code))"
        case .outOfMemory:
            return "out of memory while parsing"
        }
    }

    /// The 1-based line the error points at, when it has one.
    public var line: Int? {
        switch self {
        case let .tooDeep(line, _), let .entityExpansion(line, _), let .undefinedEntity(_, line, _),
             let .mismatchedTag(_, _, line, _), let .unexpectedEnd(line, _), let .malformed(_, _, line, _):
            return line
        default:
            return nil
        }
    }
}
