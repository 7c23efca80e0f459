// libxml2 error codes (xmlParserErrors in xmlerror.h) to XMLError cases. Only the codes a caller
// can act on get their own case; everything else is `.malformed` with libxml2's code and message.

enum XMLErrorMapping {
    // Values of libxml2's xmlParserErrors enum, stable across 2.x.
    static let noMemory = 2
    static let documentEmpty = 4
    static let undeclaredEntity = 26
    static let unknownEncoding = 31
    static let unsupportedEncoding = 32
    static let tagNameMismatch = 76
    static let tagNotFinished = 77
    static let entityLoop = 89
    static let internalError = 1

    /// Errors that refuse a document even in recover mode: entity amplification, nesting past
    /// libxml2's depth limit (256 without XML_PARSE_HUGE, which we never set), and memory.
    static func refusal(_ diagnostics: [LibXML2.Diagnostic]) -> XMLError? {
        for d in diagnostics {
            if d.code == entityLoop { return .entityExpansion(line: d.line, column: d.column) }
            if d.code == noMemory { return .outOfMemory }
            // libxml2 has no code of its own for this; it reports an internal error whose
            // message reads "Excessive depth in document: 256 use XML_PARSE_HUGE option".
            if d.code == internalError, d.message.contains("depth") { return .tooDeep(line: d.line, limit: 256) }
        }
        return nil
    }

    /// The first error (not warning) as an XMLError.
    static func firstFatal(_ diagnostics: [LibXML2.Diagnostic]) -> XMLError? {
        guard let d = diagnostics.first(where: \.fatal) else { return nil }
        switch d.code {
        case documentEmpty:
            return .noRootElement
        case undeclaredEntity:
            return .undefinedEntity(name: d.str1 ?? "", line: d.line, column: d.column)
        case unknownEncoding, unsupportedEncoding:
            return .unsupportedEncoding(name: d.str1 ?? "")
        case tagNameMismatch:
            return .mismatchedTag(open: d.str1 ?? "", close: d.str2 ?? "", line: d.line, column: d.column)
        case tagNotFinished:
            return .unexpectedEnd(line: d.line, column: d.column)
        case noMemory:
            return .outOfMemory
        case entityLoop:
            return .entityExpansion(line: d.line, column: d.column)
        default:
            return .malformed(code: d.code, message: d.message, line: d.line, column: d.column)
        }
    }
}
