// Objects from tokens (ISO 32000-1 §7.3): arrays, dictionaries, indirect references, and indirect
// object definitions with their streams (§7.3.10, §7.3.8). Lenient where real files are sloppy,
// strict about nesting depth and buffer bounds.

struct PDFParser {
    var lex: PDFLexer
    let maxDepth: Int

    init(_ data: [UInt8], at pos: Int = 0, end: Int? = nil, maxDepth: Int = 64) {
        lex = PDFLexer(data, at: pos, end: end)
        self.maxDepth = maxDepth
    }

    /// One object. `n g R` becomes a reference; a stray keyword becomes null (and is consumed).
    /// - Throws: `CorpusError.pdfMalformed(.nestingTooDeep)`.
    mutating func parseObject(depth: Int = 0) throws -> PDFObject {
        let t = lex.next()
        return try object(from: t, depth: depth)
    }

    mutating func object(from t: PDFToken, depth: Int) throws -> PDFObject {
        switch t {
        case let .int(i):
            return reference(after: i) ?? .int(i)
        case let .real(r): return .real(r)
        case let .name(n): return .name(n)
        case let .string(s): return .string(s)
        case .arrayOpen:
            guard depth < maxDepth else { throw CorpusError.pdfMalformed(reason: .nestingTooDeep(offset: lex.pos)) }
            var items: [PDFObject] = []
            while true {
                let save = lex.pos
                let n = lex.next()
                switch n {
                case .arrayClose, .eof: return .array(items)
                case .dictClose, .braceClose: continue
                case let .keyword(s, c) where !isValueKeyword(s, c):
                    lex.pos = save // "endobj" or an operator: the array was never closed
                    return .array(items)
                default: items.append(try object(from: n, depth: depth + 1))
                }
            }
        case .dictOpen:
            guard depth < maxDepth else { throw CorpusError.pdfMalformed(reason: .nestingTooDeep(offset: lex.pos)) }
            var d = PDFDict()
            while true {
                let save = lex.pos
                let k = lex.next()
                switch k {
                case .dictClose, .eof: return .dict(d)
                case let .name(key):
                    let vs = lex.pos
                    let v = lex.next()
                    if case .dictClose = v { return .dict(d) }
                    if case let .keyword(s, c) = v, !isValueKeyword(s, c) { lex.pos = vs; return .dict(d) }
                    let value = try object(from: v, depth: depth + 1)
                    if !value.isNull { d[key] = value } // §7.3.7: a null value means the key is absent
                case let .keyword(s, c) where !isValueKeyword(s, c):
                    lex.pos = save
                    return .dict(d)
                default:
                    continue // a non-name key: skip it
                }
            }
        case let .keyword(s, c):
            if lex.keyword(s, c, is: "true") { return .bool(true) }
            if lex.keyword(s, c, is: "false") { return .bool(false) }
            return .null
        case .arrayClose, .dictClose, .braceOpen, .braceClose, .eof:
            return .null
        }
    }

    private func isValueKeyword(_ s: Int, _ c: Int) -> Bool {
        lex.keyword(s, c, is: "true") || lex.keyword(s, c, is: "false") || lex.keyword(s, c, is: "null")
    }

    /// After an integer: `g R` makes it a reference; otherwise nothing is consumed.
    private mutating func reference(after num: Int) -> PDFObject? {
        let save = lex.pos
        if case let .int(gen) = lex.next(), case let .keyword(s, c) = lex.next(), lex.keyword(s, c, is: "R") {
            if num > 0 && gen >= 0 { return .ref(PDFRef(num: num, gen: gen)) }
            return .null // object 0 and negative numbers are never valid references
        }
        lex.pos = save
        return nil
    }

    /// Reads `n g obj` at the current position. Returns nil when the bytes there are not one.
    mutating func objectHeader() -> PDFRef? {
        guard case let .int(n) = lex.next(), case let .int(g) = lex.next(), n >= 0, g >= 0,
              case let .keyword(s, c) = lex.next(), lex.keyword(s, c, is: "obj") else { return nil }
        return PDFRef(num: n, gen: g)
    }

    /// The body of an indirect object after its `n g obj` header, stream data included.
    /// `length` resolves an indirect /Length; `endstream` finds the next `endstream` keyword at or
    /// after an offset (used when /Length is missing or wrong, §7.3.8.1).
    /// - Throws: `CorpusError.pdfMalformed(.nestingTooDeep)`.
    mutating func indirectBody(ref: PDFRef, length: (PDFObject) -> Int?, endstream: (Int) -> Int?) throws -> PDFObject {
        let obj = try parseObject()
        guard case let .dict(dict) = obj else { return obj }
        let save = lex.pos
        guard case let .keyword(s, c) = lex.next(), lex.keyword(s, c, is: "stream") else {
            lex.pos = save
            return obj
        }
        // The keyword is followed by CR LF or LF; a lone CR is tolerated.
        var start = lex.pos
        if start < lex.end && lex.data[start] == 0x0D { start += 1 }
        if start < lex.end && lex.data[start] == 0x0A { start += 1 }
        let data = lex.data
        var stop: Int? = nil
        if let declared = dict["Length"].flatMap(length), declared >= 0, declared <= lex.end - start {
            // Trust /Length only if `endstream` follows it (after optional white-space).
            var p = start + declared
            while p < lex.end && isPDFWhite(data[p]) { p += 1 }
            if lex.keyword(p, min(9, lex.end - p), is: "endstream") { stop = start + declared; lex.pos = p + 9 }
        }
        if stop == nil {
            guard let e = endstream(start) else {
                lex.pos = lex.end
                return .stream(PDFStream(dict: dict, raw: data[start..<lex.end], ref: ref))
            }
            var t = e
            // The EOL before `endstream` is not data.
            if t > start && data[t - 1] == 0x0A { t -= 1 }
            if t > start && data[t - 1] == 0x0D { t -= 1 }
            stop = t
            lex.pos = min(lex.end, e + 9)
        }
        return .stream(PDFStream(dict: dict, raw: data[start..<(stop ?? start)], ref: ref))
    }
}
