// The JSON module's one error type: where a document stopped being JSON, and why.
public enum JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    case unexpectedEnd(offset: Int)
    case unexpectedCharacter(found: UInt8, offset: Int, expected: String)
    case invalidNumber(offset: Int)
    /// A number too large for a Double (e.g. `1e400`): refused rather than read as infinity.
    case numberOutOfRange(offset: Int)
    case invalidEscape(offset: Int)
    case invalidUnicode(offset: Int)
    case controlCharacter(offset: Int)
    case tooDeep(limit: Int, offset: Int)
    case trailingData(offset: Int)

    public var description: String {
        switch self {
        case let .unexpectedEnd(o): return "unexpected end of JSON at byte \(o)"
        case let .unexpectedCharacter(c, o, expected):
            let shown = (0x21..<0x7f).contains(c) ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16))"
            return "unexpected \(shown) at byte \(o), expected \(expected)"
        case let .invalidNumber(o): return "invalid number at byte \(o)"
        case let .numberOutOfRange(o): return "number at byte \(o) is too large for a double"
        case let .invalidEscape(o): return "invalid escape sequence at byte \(o)"
        case let .invalidUnicode(o): return "invalid UTF-8 or \\u escape at byte \(o)"
        case let .controlCharacter(o): return "unescaped control character in string at byte \(o)"
        case let .tooDeep(limit, o): return "JSON nested deeper than \(limit) levels at byte \(o)"
        case let .trailingData(o): return "unexpected data after the JSON value at byte \(o)"
        }
    }
}
