// A strict RFC 8259 parser over bytes: every error names its byte offset, nesting depth is bounded
// so hostile input cannot overflow the stack, and invalid UTF-8 is an error, not a replacement.

extension JSON {
    /// Parses exactly one JSON value (surrounding whitespace allowed).
    /// - Throws: `JSONError` naming the offset of the first problem.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 128) throws -> JSON {
        try bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf, maxDepth: maxDepth)
            p.skipWhitespace()
            let v = try p.value(depth: 0)
            p.skipWhitespace()
            if p.i < buf.count { throw JSONError.trailingData(offset: p.i) }
            return v
        }
    }

    /// Parses a JSON text given as a String.
    public static func parse(_ text: String, maxDepth: Int = 128) throws -> JSON {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }
}

struct JSONParser {
    let b: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var i = 0

    init(_ b: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.b = b
        self.maxDepth = maxDepth
    }

    mutating func skipWhitespace() {
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { i += 1 } else { break }
        }
    }

    func peek() throws -> UInt8 {
        guard i < b.count else { throw JSONError.unexpectedEnd(offset: i) }
        return b[i]
    }

    mutating func expectLiteral(_ lit: StaticString, _ v: JSON) throws -> JSON {
        let n = lit.utf8CodeUnitCount
        guard i + n <= b.count else { throw JSONError.unexpectedEnd(offset: b.count) }
        let p = lit.utf8Start
        for k in 0..<n where b[i + k] != p[k] {
            throw JSONError.unexpectedCharacter(found: b[i + k], offset: i + k, expected: "'\(lit)'")
        }
        i += n
        return v
    }

    mutating func value(depth: Int) throws -> JSON {
        let c = try peek()
        switch c {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try expectLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw JSONError.unexpectedCharacter(found: c, offset: i, expected: "a JSON value")
        }
    }

    mutating func object(depth: Int) throws -> JSON {
        if depth > maxDepth { throw JSONError.tooDeep(limit: maxDepth, offset: i) }
        i += 1
        var o = JSONObject()
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") { i += 1; return .object(o) }
        while true {
            skipWhitespace()
            let c = try peek()
            guard c == UInt8(ascii: "\"") else {
                throw JSONError.unexpectedCharacter(found: c, offset: i, expected: "a string key")
            }
            let key = try string()
            skipWhitespace()
            let colon = try peek()
            guard colon == UInt8(ascii: ":") else {
                throw JSONError.unexpectedCharacter(found: colon, offset: i, expected: "':'")
            }
            i += 1
            skipWhitespace()
            o[key] = try value(depth: depth)
            skipWhitespace()
            let sep = try peek()
            i += 1
            if sep == UInt8(ascii: ",") { continue }
            if sep == UInt8(ascii: "}") { return .object(o) }
            throw JSONError.unexpectedCharacter(found: sep, offset: i - 1, expected: "',' or '}'")
        }
    }

    mutating func array(depth: Int) throws -> JSON {
        if depth > maxDepth { throw JSONError.tooDeep(limit: maxDepth, offset: i) }
        i += 1
        var a: [JSON] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") { i += 1; return .array(a) }
        while true {
            skipWhitespace()
            a.append(try value(depth: depth))
            skipWhitespace()
            let sep = try peek()
            i += 1
            if sep == UInt8(ascii: ",") { continue }
            if sep == UInt8(ascii: "]") { return .array(a) }
            throw JSONError.unexpectedCharacter(found: sep, offset: i - 1, expected: "',' or ']'")
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= b.count else { throw JSONError.unexpectedEnd(offset: b.count) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw JSONError.invalidEscape(offset: i)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func string() throws -> String {
        i += 1
        let start = i
        // Fast path: no escapes, all ASCII or valid UTF-8 checked by the String initializer.
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: b[start..<i])
                i += 1
                guard let s = String(validating: slice, as: UTF8.self) else { throw JSONError.invalidUnicode(offset: start) }
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw JSONError.controlCharacter(offset: i) }
            i += 1
        }
        var out: [UInt8] = Array(b[start..<i])
        while true {
            guard i < b.count else { throw JSONError.unexpectedEnd(offset: i) }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let s = String(validating: out, as: UTF8.self) else { throw JSONError.invalidUnicode(offset: start) }
                return s
            }
            if c < 0x20 { throw JSONError.controlCharacter(offset: i) }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { throw JSONError.unexpectedEnd(offset: i) }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5c)
            case UInt8(ascii: "/"): out.append(0x2f)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let at = i - 2
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw JSONError.invalidUnicode(offset: at)
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw JSONError.invalidUnicode(offset: at) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw JSONError.invalidUnicode(offset: at)
                }
                guard let u = Unicode.Scalar(scalar) else { throw JSONError.invalidUnicode(offset: at) }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw JSONError.invalidEscape(offset: i - 2)
            }
        }
    }

    mutating func number() throws -> JSON {
        let start = i
        var isInteger = true
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, (48...57).contains(b[i]) else { throw JSONError.invalidNumber(offset: start) }
        if b[i] == 48 {
            i += 1
            if i < b.count, (48...57).contains(b[i]) { throw JSONError.invalidNumber(offset: start) }
        } else {
            while i < b.count, (48...57).contains(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < b.count, (48...57).contains(b[i]) else { throw JSONError.invalidNumber(offset: start) }
            while i < b.count, (48...57).contains(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, (48...57).contains(b[i]) else { throw JSONError.invalidNumber(offset: start) }
            while i < b.count, (48...57).contains(b[i]) { i += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        if isInteger, let n = Int64(text) { return .int(n) }
        guard let d = Double(text) else { throw JSONError.invalidNumber(offset: start) }
        // Double("1e400") is infinity. JSON has no infinity (the writer emits null for it) and
        // callers convert numbers to Int or Int64, which traps on infinity, so the value is
        // refused here, as RFC 8259 section 6 allows. Found by the json fuzz target.
        guard d.isFinite else { throw JSONError.numberOutOfRange(offset: start) }
        return .double(d)
    }
}
