// What we decide about raw bytes before libxml2 sees them: size, emptiness, binary content, and
// (for HTML) which encoding to decode with. Pure byte scanning; no libxml2 calls here.

enum InputSniffing {
    /// Refuses inputs that are too large, empty, or binary.
    /// - Throws: `XMLError.tooLarge`, `.empty`, `.binary`.
    static func check(_ bytes: [UInt8], limits: XMLLimits) throws {
        // libxml2 takes an Int32 length, whatever the caller's limit says.
        let limit = min(limits.maxBytes, Int(Int32.max))
        if bytes.count > limit { throw XMLError.tooLarge(size: bytes.count, limit: limit) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }) { throw XMLError.empty }
        if bom(bytes) != nil { return } // UTF-16 text is full of NULs by design
        if let offset = binaryOffset(bytes) { throw XMLError.binary(offset: offset) }
    }

    /// The encoding a byte-order mark announces, if the bytes start with one.
    static func bom(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        return nil
    }

    /// Where the first 8 KiB betray binary data: a NUL byte, or more than 10% control bytes.
    static func binaryOffset(_ bytes: [UInt8]) -> Int? {
        let head = bytes.prefix(8192)
        var control = 0
        for (i, b) in head.enumerated() {
            if b == 0 { return i }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C && b != 0x1B { control += 1 }
        }
        return control * 10 > head.count ? 0 : nil
    }

    /// The encodings to try for an HTML document without a BOM, best first: the charset of a
    /// `<meta>` tag or XML declaration in the first 1 KiB (where HTML5 says to look), then UTF-8
    /// when the bytes are valid UTF-8, else windows-1252 (what legacy pages without a declaration
    /// almost always are). Latin-1 and ASCII labels mean windows-1252, as in browsers.
    static func htmlEncodings(_ bytes: [UInt8]) -> [String] {
        let guess = isValidUTF8(bytes) ? "UTF-8" : "windows-1252"
        guard let declared = declaredCharset(bytes) else { return [guess] }
        switch declared.lowercased() {
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "cp1252", "x-cp1252":
            return ["windows-1252"]
        default:
            return [declared, guess]
        }
    }

    /// The charset named by `<meta charset=...>`, `<meta content="...; charset=...">` or an
    /// `<?xml ... encoding="..."?>` declaration within the first 1 KiB.
    static func declaredCharset(_ bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(1024)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        if head.starts(with: Array("<?xml".utf8)), let end = find(Array("?>".utf8), in: head, from: 0),
           let name = value(after: Array("encoding".utf8), in: head, from: 0, to: end, original: bytes) {
            return name
        }
        var from = 0
        while let tag = find(Array("<meta".utf8), in: head, from: from) {
            let end = head[tag...].firstIndex(of: UInt8(ascii: ">")) ?? head.count
            if let name = value(after: Array("charset".utf8), in: head, from: tag, to: end, original: bytes) { return name }
            from = end
        }
        return nil
    }

    /// The token after `key`, optional spaces, `=`, optional spaces and quotes, within `from..<to`.
    private static func value(after key: [UInt8], in head: [UInt8], from: Int, to: Int, original: [UInt8]) -> String? {
        guard let k = find(key, in: head, from: from), k < to else { return nil }
        var i = k + key.count
        func skip(_ set: Set<UInt8>) { while i < to, set.contains(head[i]) { i += 1 } }
        skip([0x20, 0x09, 0x0A, 0x0D])
        guard i < to, head[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        skip([0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "\""), UInt8(ascii: "'")])
        let start = i
        while i < to, isCharsetByte(head[i]) { i += 1 }
        guard i > start, i - start <= 40 else { return nil }
        return String(decoding: original[start..<i], as: UTF8.self)
    }

    private static func isCharsetByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }
}
