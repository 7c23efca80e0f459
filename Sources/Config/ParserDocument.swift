// Document structure: the line loop, [table] and [[array]] headers, keys and key/value pairs.
// Values themselves are parsed in ParserValues.swift.

extension Parser {
    /// - Throws: the first `ConfigError` in the document.
    mutating func parseDocument() throws(ConfigError) -> TOMLTable {
        let root = TableBuilder(origin: .root, location: here(), depth: 0)
        var current = root
        while true {
            skipSpaces()
            guard let b = peek() else { break }
            switch b {
            case UInt8(ascii: "#"), 0x0A, 0x0D:
                break // blank or comment line, checked by expectLineEnd
            case UInt8(ascii: "["):
                current = try parseHeader(root: root)
            default:
                try parseKeyValue(into: current)
            }
            try expectLineEnd()
        }
        return root.freeze()
    }

    /// `[a.b]` or `[[a.b]]`; returns the table that the following lines fill.
    mutating func parseHeader(root: TableBuilder) throws(ConfigError) -> TableBuilder {
        let start = here()
        pos += 1
        let isArray = peek() == UInt8(ascii: "[") // `[ [a]]` is not an array header: no space allowed
        if isArray { pos += 1 }
        skipSpaces()
        let path = try parseKey()
        skipSpaces()
        if isArray {
            guard peekIs("]]") else { throw unexpected(.arrayTableEnd) }
            pos += 2
        } else {
            guard peek() == UInt8(ascii: "]") else { throw unexpected(.headerEnd) }
            pos += 1
        }
        if path.count > TOML.maximumDepth {
            throw .nestingTooDeep(limit: TOML.maximumDepth, location: start)
        }
        return try TableBuilder.openHeader(root: root, path: path, isArray: isArray, at: start)
    }

    /// `key = value` (possibly dotted), stored into `table`.
    mutating func parseKeyValue(into table: TableBuilder) throws(ConfigError) {
        let start = here()
        let path = try parseKey()
        skipSpaces()
        guard peek() == UInt8(ascii: "=") else { throw unexpected(.equals) }
        pos += 1
        skipSpaces()
        let depth = table.depth + path.count
        if depth > TOML.maximumDepth {
            throw .nestingTooDeep(limit: TOML.maximumDepth, location: start)
        }
        let value = try parseValue(depth: depth)
        try table.assign(path, value)
    }

    /// A possibly dotted key: segments separated by `.`, spaces allowed around the dots.
    mutating func parseKey() throws(ConfigError) -> [KeySegment] {
        var path: [KeySegment] = []
        while true {
            path.append(try parseSimpleKey())
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return path }
            pos += 1
            skipSpaces()
        }
    }

    /// A bare key, or a basic or literal single-line string used as a key.
    mutating func parseSimpleKey() throws(ConfigError) -> KeySegment {
        let location = here()
        switch peek() {
        case UInt8(ascii: "\""):
            if peekIs("\"\"\"") { throw unexpected(.key) } // multi-line strings are not keys
            return KeySegment(name: try parseBasicString(), location: location)
        case UInt8(ascii: "'"):
            if peekIs("'''") { throw unexpected(.key) }
            return KeySegment(name: try parseLiteralString(), location: location)
        default:
            let start = pos
            while pos < bytes.count, isBareKeyByte(bytes[pos]) { pos += 1 }
            guard pos > start else { throw unexpected(.key) }
            return KeySegment(name: text(start, pos), location: location)
        }
    }
}
