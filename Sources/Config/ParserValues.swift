// Values: dispatch on the first byte, arrays, inline tables and the bare words true, false,
// inf and nan. Strings, numbers and dates have their own files.

extension Parser {
    /// A value at nesting level `depth` (its table's depth plus its key's segments).
    mutating func parseValue(depth: Int) throws(ConfigError) -> TOMLNode {
        let location = here()
        guard let b = peek() else { throw unexpected(.value) }
        switch b {
        case UInt8(ascii: "\""):
            let s = peekIs("\"\"\"") ? try parseMultilineBasicString() : try parseBasicString()
            return TOMLNode(.string(s), location)
        case UInt8(ascii: "'"):
            let s = peekIs("'''") ? try parseMultilineLiteralString() : try parseLiteralString()
            return TOMLNode(.string(s), location)
        case UInt8(ascii: "["):
            return TOMLNode(.array(try parseArray(depth: depth)), location)
        case UInt8(ascii: "{"):
            return TOMLNode(.table(try parseInlineTable(depth: depth)), location)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "i"), UInt8(ascii: "n"):
            return TOMLNode(try parseNumberOrDateTime(), location)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return TOMLNode(.boolean(try parseBoolean()), location)
        default:
            throw unexpected(.value)
        }
    }

    /// `true` or `false`; any other word is reported whole (`found 'tru'`).
    mutating func parseBoolean() throws(ConfigError) -> Bool {
        let start = pos
        var end = pos
        while end < bytes.count, isBareKeyByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
        switch text(start, end) {
        case "true": pos = end; return true
        case "false": pos = end; return false
        case let word: throw .unexpected(found: .word(word), expected: .value, location: here())
        }
    }

    /// `[ v, v, ]`: newlines and comments may appear between elements; a trailing comma is fine.
    mutating func parseArray(depth: Int) throws(ConfigError) -> [TOMLNode] {
        if depth > TOML.maximumDepth { throw .nestingTooDeep(limit: TOML.maximumDepth, location: here()) }
        pos += 1
        var elements: [TOMLNode] = []
        while true {
            try skipBlankLines()
            if peek() == UInt8(ascii: "]") { break }
            elements.append(try parseValue(depth: depth + 1))
            try skipBlankLines()
            if peek() == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            guard peek() == UInt8(ascii: "]") else { throw unexpected(.commaOrArrayEnd) }
            break
        }
        pos += 1
        return elements
    }

    /// `{ k = v, k.l = w }` on one line, no trailing comma (TOML 1.0). Built with the same
    /// rules as a [table], then closed for good by being returned as a plain value.
    mutating func parseInlineTable(depth: Int) throws(ConfigError) -> TOMLTable {
        if depth > TOML.maximumDepth { throw .nestingTooDeep(limit: TOML.maximumDepth, location: here()) }
        let table = TableBuilder(origin: .inline, location: here(), depth: depth)
        pos += 1
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            pos += 1
            return table.freeze()
        }
        while true {
            skipSpaces()
            try parseKeyValue(into: table)
            skipSpaces()
            if peek() == UInt8(ascii: ",") {
                pos += 1
                continue
            }
            guard peek() == UInt8(ascii: "}") else { throw unexpected(.commaOrInlineTableEnd) }
            pos += 1
            return table.freeze()
        }
    }
}
