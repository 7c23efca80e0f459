// The four string forms: basic "...", literal '...', and their multi-line """...""" and
// '''...''' variants, with TOML 1.0's escapes and control-character rules.

extension Parser {
    /// `"..."` with escapes; the cursor is on the opening quote.
    mutating func parseBasicString() throws(ConfigError) -> String {
        let open = pos
        pos += 1
        var out: [UInt8] = []
        var runStart = pos // bytes since the last escape are copied in one go
        while true {
            guard let b = peek() else { throw .unterminatedString(location: location(open)) }
            switch b {
            case UInt8(ascii: "\""):
                out.append(contentsOf: bytes[runStart..<pos])
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                out.append(contentsOf: bytes[runStart..<pos])
                try parseEscape(into: &out)
                runStart = pos
            case 0x0A:
                throw .unterminatedString(location: location(open))
            default:
                if isControl(b) { throw .controlCharacter(value: UInt32(b), location: here()) }
                pos += 1
            }
        }
    }

    /// `"""..."""`: newlines allowed (CRLF stored as LF), a newline right after the opening
    /// delimiter is dropped, and a backslash at the end of a line eats all following whitespace.
    mutating func parseMultilineBasicString() throws(ConfigError) -> String {
        let open = pos
        pos += 3
        _ = try skipNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw .unterminatedString(location: location(open)) }
            switch b {
            case UInt8(ascii: "\""):
                if try closeMultiline(quote: b, into: &out) { return String(decoding: out, as: UTF8.self) }
            case UInt8(ascii: "\\"):
                if try !skipLineEndingBackslash() { try parseEscape(into: &out) }
            case 0x0A, 0x0D:
                _ = try skipNewline()
                out.append(0x0A)
            default:
                if isControl(b) { throw .controlCharacter(value: UInt32(b), location: here()) }
                out.append(b)
                pos += 1
            }
        }
    }

    /// `'...'`: no escapes, no newlines.
    mutating func parseLiteralString() throws(ConfigError) -> String {
        let open = pos
        pos += 1
        let start = pos
        while true {
            guard let b = peek(), b != 0x0A else { throw .unterminatedString(location: location(open)) }
            if b == UInt8(ascii: "'") {
                pos += 1
                return text(start, pos - 1)
            }
            if isControl(b) { throw .controlCharacter(value: UInt32(b), location: here()) }
            pos += 1
        }
    }

    /// `'''...'''`: no escapes; newlines allowed (CRLF stored as LF), the first one dropped.
    mutating func parseMultilineLiteralString() throws(ConfigError) -> String {
        let open = pos
        pos += 3
        _ = try skipNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw .unterminatedString(location: location(open)) }
            switch b {
            case UInt8(ascii: "'"):
                if try closeMultiline(quote: b, into: &out) { return String(decoding: out, as: UTF8.self) }
            case 0x0A, 0x0D:
                _ = try skipNewline()
                out.append(0x0A)
            default:
                if isControl(b) { throw .controlCharacter(value: UInt32(b), location: here()) }
                out.append(b)
                pos += 1
            }
        }
    }

    /// At a quote inside a multi-line string: three or more quotes end it, and up to two quotes
    /// just before the closing three belong to the content (`""""a"""""` is `"a""`). Fewer than
    /// three are content. Returns true when the string ended.
    private mutating func closeMultiline(quote: UInt8, into out: inout [UInt8]) throws(ConfigError) -> Bool {
        var run = 0
        while peek(run) == quote { run += 1 }
        if run < 3 {
            out.append(contentsOf: repeatElement(quote, count: run))
            pos += run
            return false
        }
        if run > 5 {
            // Six quotes: the string ends after five and a stray quote follows.
            pos += 5
            throw unexpected(.endOfLine)
        }
        out.append(contentsOf: repeatElement(quote, count: run - 3))
        pos += run
        return true
    }

    /// A `\` followed by optional spaces and a newline: skips it and all whitespace and newlines
    /// after it. Returns false, consuming nothing, if this backslash starts an ordinary escape.
    private mutating func skipLineEndingBackslash() throws(ConfigError) -> Bool {
        var i = pos + 1
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count, bytes[i] == 0x0A || (bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A)
        else { return false }
        pos = i
        while true {
            skipSpaces()
            if try !skipNewline() { return true }
        }
    }

    /// One escape sequence; the cursor is on the backslash. Appends the UTF-8 it stands for.
    private mutating func parseEscape(into out: inout [UInt8]) throws(ConfigError) {
        let start = pos
        let startLocation = here()
        pos += 1
        guard let c = peek() else { throw .unterminatedString(location: startLocation) }
        pos += 1
        switch c {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let width = c == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<width {
                guard let h = peek(), let digit = hexValue(h) else {
                    throw .invalidEscape(sequence: escapeText(start), location: startLocation)
                }
                value = value << 4 | UInt32(digit)
                pos += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw .invalidUnicodeEscape(value: value, location: startLocation)
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
        default:
            pos -= 1
            throw .invalidEscape(sequence: escapeText(start), location: startLocation)
        }
    }

    /// The bad escape as written, for the message: the backslash and what follows it on the line.
    private func escapeText(_ start: Int) -> String {
        var end = min(pos + 1, bytes.count)
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 } // finish a multi-byte scalar
        let raw = text(start, end)
        return String(raw.prefix { $0 != "\n" && $0 != "\r" })
    }
}

@inline(__always)
func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
    default: return nil
    }
}
