// Integers (decimal, 0x, 0o, 0b), floats (including inf and nan), and the split between
// numbers and dates: both start with a digit, so a value token is scanned first and classified.

extension Parser {
    /// A number or a date/time; the cursor is on a digit, a sign, `i` or `n`.
    mutating func parseNumberOrDateTime() throws(ConfigError) -> TOMLValue {
        let start = pos
        let location = here()
        var end = pos
        while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
        // `1979-05-27 07:32:00`: a space may separate date and time, so look past it.
        if end - start == 10, DateTimeParser.startsLikeDate(bytes[start..<end]),
           end + 1 < bytes.count, bytes[end] == 0x20, isDigit(bytes[end + 1]) {
            end += 1
            while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
        }
        pos = end
        let token = bytes[start..<end]
        // Digits then `-` or `:` can only be meant as a date or time (`1:32:00`, `10000-01-01`);
        // a number has a sign, `.`, `e`, `_` or a radix letter before any `-`.
        let firstNonDigit = token.first { !isDigit($0) }
        if let first = token.first, isDigit(first),
           firstNonDigit == UInt8(ascii: "-") || firstNonDigit == UInt8(ascii: ":") {
            do {
                return try DateTimeParser.parse(token)
            } catch {
                throw .invalidDateTime(text: text(start, end), problem: error.problem, location: location)
            }
        }
        do {
            return try NumberParser.parse(token)
        } catch {
            if token.allSatisfy(isLetter) { // `nope`, `infinity`: a word, not a number
                throw .unexpected(found: .word(text(start, end)), expected: .value, location: location)
            }
            throw .invalidNumber(text: text(start, end), problem: error.problem, location: location)
        }
    }
}

/// Bytes that can belong to a number or date token: letters, digits, `_ + - . :`.
@inline(__always)
private func isTokenByte(_ b: UInt8) -> Bool {
    isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
}

@inline(__always)
func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

@inline(__always)
private func isLetter(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
}

/// A problem found by a helper that does not know the token's text or location; the caller
/// wraps it into a `ConfigError`. (The problem enums are not `Error`s themselves, to keep the
/// module's public error surface to `ConfigError` alone.)
struct Rejected<Problem: Sendable>: Error {
    let problem: Problem
    init(_ problem: Problem) { self.problem = problem }
}

/// Validates and converts one number token against the TOML 1.0 ABNF.
enum NumberParser {
    typealias Problem = ConfigError.NumberProblem

    static func parse(_ t: ArraySlice<UInt8>) throws(Rejected<Problem>) -> TOMLValue {
        var i = t.startIndex
        let end = t.endIndex
        var negative = false
        let signed = t.first == UInt8(ascii: "+") || t.first == UInt8(ascii: "-")
        if signed {
            negative = t[i] == UInt8(ascii: "-")
            i += 1
        }
        let rest = t[i...]
        if rest.elementsEqual("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
        if rest.elementsEqual("nan".utf8) { return .float(negative ? -.nan : .nan) }

        if rest.count > 2, rest.first == UInt8(ascii: "0"), let radix = radix(of: t[i + 1]) {
            guard !signed else { throw Rejected(.malformed) } // `+0x1` is not TOML
            i += 2
            let digitsStart = i
            let digitsEnd = try scanDigits(t, from: &i, radix: radix)
            guard i == end else { throw Rejected(.malformed) }
            return .integer(try integer(t[digitsStart..<digitsEnd], radix: radix, negative: false))
        }

        let intStart = i
        let intEnd = try scanDigits(t, from: &i, radix: 10)
        guard intEnd > intStart else { throw Rejected(i < end ? .malformed : .missingDigits) }
        if t[intStart] == UInt8(ascii: "0"), intEnd - intStart > 1 { throw Rejected(.leadingZero) }
        var isFloat = false
        if i < end, t[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            guard try scanDigits(t, from: &i, radix: 10) > fracStart else { throw Rejected(.missingDigits) }
            isFloat = true
        }
        if i < end, t[i] == UInt8(ascii: "e") || t[i] == UInt8(ascii: "E") {
            i += 1
            if i < end, t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") { i += 1 }
            let expStart = i
            guard try scanDigits(t, from: &i, radix: 10) > expStart else { throw Rejected(.missingDigits) }
            isFloat = true
        }
        guard i == end else { throw Rejected(.malformed) }
        if !isFloat {
            return .integer(try integer(t[intStart..<intEnd], radix: 10, negative: negative))
        }
        let plain = String(decoding: t.lazy.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard let value = Double(plain) else { throw Rejected(.malformed) }
        // A finite literal that rounds to infinity is a typo, not a wish for inf (which TOML spells).
        guard value.isFinite else { throw Rejected(.floatOverflow) }
        return .float(value)
    }

    private static func radix(of b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "x"): return 16
        case UInt8(ascii: "o"): return 8
        case UInt8(ascii: "b"): return 2
        default: return nil
        }
    }

    /// Advances over digits of `radix` with single underscores between digits; returns the end.
    /// A run that starts or ends with `_`, or holds `__`, is rejected.
    private static func scanDigits(_ t: ArraySlice<UInt8>, from i: inout Int, radix: Int) throws(Rejected<Problem>) -> Int {
        let start = i
        while i < t.endIndex {
            if t[i] == UInt8(ascii: "_") {
                guard i > start, i + 1 < t.endIndex, digit(t[i + 1], radix) != nil else { throw Rejected(.misplacedUnderscore) }
                i += 1
            } else if digit(t[i], radix) != nil {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    private static func digit(_ b: UInt8, _ radix: Int) -> Int? {
        guard let v = hexValue(b), Int(v) < radix else { return nil }
        return Int(v)
    }

    /// The digits (underscores skipped) as an Int64, checking range on the magnitude so that
    /// -9223372036854775808 is accepted.
    private static func integer(_ digits: ArraySlice<UInt8>, radix: Int, negative: Bool) throws(Rejected<Problem>) -> Int64 {
        var magnitude: UInt64 = 0
        for b in digits where b != UInt8(ascii: "_") {
            guard let d = digit(b, radix) else { throw Rejected(.malformed) }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { throw Rejected(.outOfRange) }
            magnitude = m2
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Rejected(.outOfRange) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Rejected(.outOfRange) }
        return Int64(magnitude)
    }
}
