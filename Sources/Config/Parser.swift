// The parser's state and its low-level scanning: bytes, position, whitespace, comments, line
// ends and error construction. Grammar productions are extensions in the other Parser*.swift files.

/// A recursive-descent TOML parser over UTF-8 bytes. Works on bytes rather than Characters
/// because every TOML delimiter is ASCII and Character iteration is an order of magnitude slower.
struct Parser {
    let bytes: [UInt8]
    var pos: Int
    var lines: LineMap

    /// - Throws: `ConfigError.invalidUTF8` before any parsing, so later code may slice freely.
    init(bytes: [UInt8]) throws(ConfigError) {
        self.bytes = bytes
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        pos = start
        lines = LineMap(bytes: bytes, firstLineStart: start)
        if let bad = UTF8Check.firstInvalidOffset(bytes, from: start) {
            throw .invalidUTF8(byteOffset: bad, location: lines.location(bad))
        }
    }

    // MARK: - Looking at bytes

    var atEnd: Bool { pos >= bytes.count }

    func peek(_ ahead: Int = 0) -> UInt8? {
        let i = pos + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    func peekIs(_ ascii: StaticString) -> Bool {
        let n = ascii.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        let p = ascii.utf8Start
        for i in 0..<n where bytes[pos + i] != p[i] { return false }
        return true
    }

    mutating func here() -> SourceLocation { lines.location(pos) }

    mutating func location(_ offset: Int) -> SourceLocation { lines.location(offset) }

    /// The decoded text of `bytes[from..<to]`; input was validated as UTF-8 in `init`.
    func text(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    // MARK: - Whitespace, comments, line ends

    mutating func skipSpaces() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x09 { pos += 1 }
    }

    /// Skips a comment if one starts here. Comments may hold any character except controls other
    /// than tab, and they end at LF or CRLF (which is left for the caller).
    mutating func skipComment() throws(ConfigError) {
        guard peek() == UInt8(ascii: "#") else { return }
        pos += 1
        while pos < bytes.count {
            let b = bytes[pos]
            if b == 0x0A || (b == 0x0D && peek(1) == 0x0A) { return }
            if isControl(b) { throw .controlCharacter(value: UInt32(b), location: here()) }
            pos += 1
        }
    }

    /// Consumes LF or CRLF; returns false (consuming nothing) if neither is here.
    mutating func skipNewline() throws(ConfigError) -> Bool {
        switch peek() {
        case 0x0A:
            pos += 1
            return true
        case 0x0D:
            guard peek(1) == 0x0A else { throw .controlCharacter(value: 0x0D, location: here()) }
            pos += 2
            return true
        default:
            return false
        }
    }

    /// Skips spaces, comments and newlines, as allowed between array elements.
    mutating func skipBlankLines() throws(ConfigError) {
        while true {
            skipSpaces()
            try skipComment()
            if try !skipNewline() { return }
        }
    }

    /// Requires the rest of the line to be blank or a comment, and consumes its newline.
    mutating func expectLineEnd() throws(ConfigError) {
        skipSpaces()
        try skipComment()
        if atEnd { return }
        if try !skipNewline() { throw unexpected(.endOfLine) }
    }

    // MARK: - Errors

    /// What is at the current position, for "expected X, found Y".
    mutating func found() -> ConfigError.Found {
        guard let b = peek() else { return .endOfInput }
        if b == 0x0A || (b == 0x0D && peek(1) == 0x0A) { return .endOfLine }
        return .character(scalar(at: pos))
    }

    mutating func unexpected(_ expected: ConfigError.Expected) -> ConfigError {
        if let b = peek(), isControl(b), b != 0x0A, !(b == 0x0D && peek(1) == 0x0A) {
            return .controlCharacter(value: UInt32(b), location: here())
        }
        return .unexpected(found: found(), expected: expected, location: here())
    }

    /// The scalar starting at `offset`, which must be a scalar boundary of validated UTF-8.
    func scalar(at offset: Int) -> Unicode.Scalar {
        var end = offset + 1
        while end < bytes.count, end < offset + 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return text(offset, end).unicodeScalars.first ?? "\u{FFFD}"
    }
}

/// Controls TOML forbids in comments and strings: U+0000–U+0008, U+000A–U+001F and U+007F.
/// Tab is allowed; LF is handled by callers before asking.
@inline(__always)
func isControl(_ b: UInt8) -> Bool {
    (b < 0x20 && b != 0x09) || b == 0x7F
}
