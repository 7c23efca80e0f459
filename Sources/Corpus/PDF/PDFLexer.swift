// The PDF tokenizer (ISO 32000-1 §7.2, §7.3): numbers, names with #xx escapes, literal and
// hex strings, delimiters and bare keywords, over a byte array with every read bounds-checked.
// Both the object parser and the content-stream interpreter sit on it.

enum PDFToken: Equatable {
    case int(Int)
    case real(Double)
    case name(String)
    case string([UInt8])
    case arrayOpen, arrayClose, dictOpen, dictClose, braceOpen, braceClose
    /// A bare word (operator or keyword such as obj, R, true): its bytes are data[start..<start+count].
    case keyword(start: Int, count: Int)
    case eof
}

/// Byte classes of §7.2.2: 0 regular, 1 white-space, 2 delimiter.
let pdfCharClass: [UInt8] = {
    var t = [UInt8](repeating: 0, count: 256)
    for w in [0, 9, 10, 12, 13, 32] { t[w] = 1 }
    for d in "()<>[]{}/%".utf8 { t[Int(d)] = 2 }
    return t
}()

@inline(__always) func isPDFWhite(_ b: UInt8) -> Bool { pdfCharClass[Int(b)] == 1 }
@inline(__always) func isPDFRegular(_ b: UInt8) -> Bool { pdfCharClass[Int(b)] == 0 }

@inline(__always) func hexValue(_ b: UInt8) -> Int {
    switch b {
    case 0x30...0x39: return Int(b) - 0x30
    case 0x41...0x46: return Int(b) - 0x37
    case 0x61...0x66: return Int(b) - 0x57
    default: return -1
    }
}

struct PDFLexer {
    let data: [UInt8]
    var pos: Int
    let end: Int

    init(_ data: [UInt8], at pos: Int = 0, end: Int? = nil) {
        self.data = data
        self.end = min(end ?? data.count, data.count)
        self.pos = max(0, min(pos, self.end))
    }

    /// Skips white-space and comments (a comment runs to the end of the line, §7.2.3).
    mutating func skipWhite() {
        while pos < end {
            let b = data[pos]
            if isPDFWhite(b) { pos += 1; continue }
            if b == 0x25 { // %
                while pos < end && data[pos] != 0x0A && data[pos] != 0x0D { pos += 1 }
                continue
            }
            return
        }
    }

    /// Whether the keyword token's bytes spell `word`.
    func keyword(_ start: Int, _ count: Int, is word: StaticString) -> Bool {
        guard count == word.utf8CodeUnitCount, start >= 0, start + count <= end else { return false }
        let p = word.utf8Start
        for i in 0..<count where data[start + i] != p[i] { return false }
        return true
    }

    func isKeyword(_ t: PDFToken, _ word: StaticString) -> Bool {
        if case let .keyword(s, c) = t { return keyword(s, c, is: word) }
        return false
    }

    mutating func next() -> PDFToken {
        skipWhite()
        guard pos < end else { return .eof }
        let b = data[pos]
        switch b {
        case 0x28: pos += 1; return .string(literalString())
        case 0x3C: // < or <<
            if pos + 1 < end && data[pos + 1] == 0x3C { pos += 2; return .dictOpen }
            pos += 1
            return .string(hexString())
        case 0x3E: // > or >>
            pos += (pos + 1 < end && data[pos + 1] == 0x3E) ? 2 : 1
            return .dictClose
        case 0x5B: pos += 1; return .arrayOpen
        case 0x5D: pos += 1; return .arrayClose
        case 0x7B: pos += 1; return .braceOpen
        case 0x7D: pos += 1; return .braceClose
        case 0x29: pos += 1; return next() // a stray ')' carries nothing
        case 0x2F: pos += 1; return .name(nameBody())
        case 0x2B, 0x2D, 0x2E, 0x30...0x39: return number()
        default:
            let start = pos
            while pos < end && isPDFRegular(data[pos]) { pos += 1 }
            return .keyword(start: start, count: pos - start)
        }
    }

    /// §7.3.3: optional sign, digits, optional point and digits. Malformed runs ("--5", "1.2.3")
    /// are read as far as they make sense; the rest of the word is skipped.
    mutating func number() -> PDFToken {
        var negative = false
        while pos < end && (data[pos] == 0x2B || data[pos] == 0x2D) {
            if data[pos] == 0x2D { negative.toggle() }
            pos += 1
        }
        var intPart = 0
        var digits = 0
        var overflow = false
        var real = 0.0
        while pos < end, data[pos] >= 0x30 && data[pos] <= 0x39 {
            let d = Int(data[pos]) - 0x30
            if !overflow {
                let (m, o1) = intPart.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                if o1 || o2 { overflow = true; real = Double(intPart) * 10 + Double(d) } else { intPart = a }
            } else {
                real = real * 10 + Double(d)
            }
            digits += 1
            pos += 1
        }
        var isReal = overflow
        if !overflow { real = Double(intPart) }
        if pos < end && data[pos] == 0x2E {
            isReal = true
            pos += 1
            var scale = 0.1
            while pos < end, data[pos] >= 0x30 && data[pos] <= 0x39 {
                real += Double(Int(data[pos]) - 0x30) * scale
                scale *= 0.1
                pos += 1
            }
        }
        while pos < end && isPDFRegular(data[pos]) { pos += 1 } // junk glued to the number
        if isReal { return .real(negative ? -real : real) }
        return .int(negative ? -intPart : intPart)
    }

    /// §7.3.5: a name's bytes after the slash, with #xx escapes decoded.
    mutating func nameBody() -> String {
        var bytes: [UInt8] = []
        while pos < end {
            let b = data[pos]
            if !isPDFRegular(b) { break }
            if b == 0x23, pos + 2 < end, hexValue(data[pos + 1]) >= 0, hexValue(data[pos + 2]) >= 0 {
                bytes.append(UInt8(hexValue(data[pos + 1]) << 4 | hexValue(data[pos + 2])))
                pos += 3
                continue
            }
            bytes.append(b)
            pos += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// §7.3.4.2: balanced parentheses, backslash escapes (incl. 1-3 octal digits and line
    /// continuation) and end-of-line normalisation. An unterminated string ends at the buffer's end.
    mutating func literalString() -> [UInt8] {
        var out: [UInt8] = []
        var depth = 1
        while pos < end {
            let b = data[pos]
            pos += 1
            switch b {
            case 0x28:
                depth += 1
                out.append(b)
            case 0x29:
                depth -= 1
                if depth == 0 { return out }
                out.append(b)
            case 0x0D: // CR or CR LF inside a string means LF
                if pos < end && data[pos] == 0x0A { pos += 1 }
                out.append(0x0A)
            case 0x5C:
                guard pos < end else { return out }
                let e = data[pos]
                pos += 1
                switch e {
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x0D: if pos < end && data[pos] == 0x0A { pos += 1 } // continuation
                case 0x0A: break
                case 0x30...0x37:
                    var v = Int(e) - 0x30
                    var n = 1
                    while n < 3, pos < end, data[pos] >= 0x30 && data[pos] <= 0x37 {
                        v = v * 8 + Int(data[pos]) - 0x30
                        pos += 1
                        n += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: v)) // high-order overflow is ignored (§7.3.4.2)
                default: out.append(e) // \( \) \\ and unknown escapes: the character itself
                }
            default:
                out.append(b)
            }
        }
        return out
    }

    /// §7.3.4.3: hex digits up to '>', white-space ignored, an odd final digit padded with 0.
    mutating func hexString() -> [UInt8] {
        var out: [UInt8] = []
        var high = -1
        while pos < end {
            let b = data[pos]
            pos += 1
            if b == 0x3E { break }
            let v = hexValue(b)
            if v < 0 { continue }
            if high < 0 { high = v } else { out.append(UInt8(high << 4 | v)); high = -1 }
        }
        if high >= 0 { out.append(UInt8(high << 4)) }
        return out
    }
}
