// ToUnicode CMaps (ISO 32000-1 §9.10.3, §9.7.5): codespace ranges that split a string into 1- to
// 4-byte codes, and bfchar/bfrange mappings (including the array form and multi-code-point
// UTF-16BE targets). Sizes are capped so a hostile CMap cannot allocate without bound.

struct PDFCMap {
    struct Codespace { var lo: [UInt8]; var hi: [UInt8] }
    /// A bfrange kept as a range (not expanded) when large: code lo...hi maps to base + (code - lo).
    struct Range { var length: Int; var lo: UInt32; var hi: UInt32; var base: [UInt16] }

    var codespaces: [Codespace] = []
    /// Key: length << 24 | code. Value: the text for the code.
    var map: [UInt32: String] = [:]
    var ranges: [Range] = []

    static let maxEntries = 200_000

    static func key(_ code: UInt32, _ length: Int) -> UInt32 { UInt32(length) << 24 | (code & 0xFF_FFFF) }

    var isEmpty: Bool { map.isEmpty && ranges.isEmpty }

    /// Parses a CMap program; unreadable parts are skipped.
    init(_ bytes: [UInt8]) {
        var lex = PDFLexer(bytes)
        var operands: [PDFToken] = []
        while true {
            let t = lex.next()
            switch t {
            case .eof: return
            case let .keyword(s, c):
                if lex.keyword(s, c, is: "begincodespacerange") { readCodespaces(&lex) }
                else if lex.keyword(s, c, is: "beginbfchar") { readChars(&lex) }
                else if lex.keyword(s, c, is: "beginbfrange") { readRanges(&lex) }
                operands.removeAll()
            default:
                if operands.count < 16 { operands.append(t) }
            }
        }
    }

    private static func code(_ b: [UInt8]) -> UInt32 {
        var v: UInt32 = 0
        for x in b.suffix(3) { v = v << 8 | UInt32(x) }
        return v
    }

    private static func utf16(_ b: [UInt8]) -> [UInt16] {
        var u: [UInt16] = []
        var i = 0
        while i + 1 < b.count { u.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])); i += 2 }
        if i < b.count { u.append(UInt16(b[i])) } // an odd single byte: take it as a code unit
        return u
    }

    static func text(_ units: [UInt16]) -> String { String(decoding: units, as: UTF16.self) }

    private mutating func readCodespaces(_ lex: inout PDFLexer) {
        while true {
            let a = lex.next()
            if case let .string(lo) = a, case let .string(hi) = lex.next() {
                if !lo.isEmpty && lo.count == hi.count && lo.count <= 4 && codespaces.count < 256 {
                    codespaces.append(Codespace(lo: lo, hi: hi))
                }
                continue
            }
            return // endcodespacerange, EOF or junk
        }
    }

    private mutating func readChars(_ lex: inout PDFLexer) {
        while true {
            guard case let .string(src) = lex.next() else { return }
            let dst = lex.next()
            guard !src.isEmpty, src.count <= 4, map.count < Self.maxEntries else { continue }
            let k = Self.key(Self.code(src), src.count)
            switch dst {
            case let .string(d): map[k] = Self.text(Self.utf16(d))
            case let .name(n): if let t = PDFGlyphNames.text(for: n) { map[k] = t } // §9.10.3 allows a name
            default: return
            }
        }
    }

    private mutating func readRanges(_ lex: inout PDFLexer) {
        while true {
            guard case let .string(lo) = lex.next(), case let .string(hi) = lex.next() else { return }
            let dst = lex.next()
            guard !lo.isEmpty, lo.count <= 4, lo.count == hi.count else { continue }
            let a = Self.code(lo), b = Self.code(hi)
            guard a <= b, b - a < 65536 else { continue }
            switch dst {
            case let .string(d):
                let base = Self.utf16(d)
                guard !base.isEmpty else { continue }
                if b - a < 256 && map.count < Self.maxEntries {
                    for c in a...b { map[Self.key(c, lo.count)] = Self.text(Self.shifted(base, by: c - a)) }
                } else if ranges.count < 10_000 {
                    ranges.append(Range(length: lo.count, lo: a, hi: b, base: base))
                }
            case .arrayOpen:
                // The array form: one destination string per code of the range.
                var c = a
                while true {
                    let item = lex.next()
                    guard case let .string(d) = item else {
                        if case .arrayClose = item { break }
                        if case .eof = item { return }
                        continue
                    }
                    if c <= b && map.count < Self.maxEntries { map[Self.key(c, lo.count)] = Self.text(Self.utf16(d)) }
                    c += 1
                }
            default: return
            }
        }
    }

    /// The destination with its last code unit advanced by `n` (§9.10.3: the last byte varies).
    private static func shifted(_ base: [UInt16], by n: UInt32) -> [UInt16] {
        var u = base
        u[u.count - 1] = u[u.count - 1] &+ UInt16(truncatingIfNeeded: n)
        return u
    }

    func lookup(_ code: UInt32, length: Int) -> String? {
        if let t = map[Self.key(code, length)] { return t }
        for r in ranges where r.length == length && code >= r.lo && code <= r.hi {
            return Self.text(Self.shifted(r.base, by: code - r.lo))
        }
        return nil
    }

    /// Splits a shown string into codes by the codespace ranges (§9.7.6.2); `fallback` is the code
    /// length to use when the CMap declares none or no range matches.
    func codes(_ bytes: [UInt8], fallback: Int) -> [(code: UInt32, length: Int)] {
        var out: [(UInt32, Int)] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            var length = 0
            if !codespaces.isEmpty {
                for n in 1...4 where i + n <= bytes.count {
                    if codespaces.contains(where: { cs in
                        cs.lo.count == n && (0..<n).allSatisfy { bytes[i + $0] >= cs.lo[$0] && bytes[i + $0] <= cs.hi[$0] }
                    }) { length = n; break }
                }
            }
            if length == 0 { length = min(max(1, fallback), bytes.count - i) }
            var c: UInt32 = 0
            for k in 0..<length { c = c << 8 | UInt32(bytes[i + k]) }
            out.append((c, length))
            i += length
        }
        return out
    }
}
