// Rejected documents: exact diagnostics (line:column and wording) for common mistakes, and the
// nesting limit that keeps hostile input from exhausting the stack.
import Config
import Testing

@Suite struct TOMLErrorTests {
    static let value = "a value (string, number, boolean, date/time, array or inline table)"

    /// Documents with a 1️⃣ marker where the error must be reported, and the message.
    static let cases: [(String, String)] = [
        ("a = 1\nb = 1️⃣\n", "expected \(value), found end of line"),
        ("a = 1\nb = 2\n1️⃣a = 3", "duplicate key 'a' (first defined at 1:1)"),
        ("name1️⃣\n", "expected '=' after a key, found end of line"),
        ("x = [1, 2\n1️⃣y = 3", "expected ',' or ']' in array, found 'y'"),
        ("t = {a = 1,1️⃣\n b = 2}", "expected a key, found end of line"),
        ("t = {a = 1,1️⃣}", "expected a key, found '}'"),
        ("b = 1️⃣tru", "expected \(value), found 'tru'"),
        ("[a1️⃣\nb = 1", "expected ']' to close the table header, found end of line"),
        ("[[a1️⃣]\n", "expected ']]' to close the array-of-tables header, found ']'"),
        ("a = 1 1️⃣2", "expected end of line, found '2'"),
        ("s = 1️⃣\"abc\n", "unterminated string: no closing quote"),
        ("s = 1️⃣'''abc", "unterminated string: no closing quote"),
        ("s = \"a1️⃣\\qb\"", "invalid escape sequence '\\q'; TOML 1.0 allows \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"),
        ("s = \"1️⃣\\uD800\"", "escape U+D800 is not a Unicode scalar value (surrogate or above U+10FFFF)"),
        ("a = 1 # ok1️⃣\u{7}", "control character U+0007 is not allowed here"),
        ("a = 11️⃣\rb = 2", "carriage return without line feed is not allowed here"),
        ("n = 1️⃣9223372036854775808", "invalid number '9223372036854775808': out of range for a 64-bit signed integer"),
        ("n = 1️⃣0xFFFFFFFFFFFFFFFF", "invalid number '0xFFFFFFFFFFFFFFFF': out of range for a 64-bit signed integer"),
        ("n = 1️⃣01", "invalid number '01': leading zeros are not allowed"),
        ("n = 1️⃣1__0", "invalid number '1__0': an underscore must sit between two digits"),
        ("n = 1️⃣+0x10", "invalid number '+0x10': not a valid integer or float"),
        ("x = 1️⃣1.", "invalid number '1.': digits are missing"),
        ("x = 1️⃣1e400", "invalid number '1e400': too large for a 64-bit float"),
        ("d = 1️⃣2023-02-30", "invalid date/time '2023-02-30': day does not exist in that month"),
        ("d = 1️⃣2024-02-29T24:00:00", "invalid date/time '2024-02-29T24:00:00': hour must be 00 to 23"),
        ("t = 1️⃣07:32", "invalid date/time '07:32': expected YYYY-MM-DD, HH:MM:SS[.frac] or YYYY-MM-DDTHH:MM:SS[.frac][Z|±HH:MM]"),
        ("[a]\nx = 1\n1️⃣[a]", "table [a] is defined twice (first at 1:1)"),
        ("a = {b = 1}\n[1️⃣a.c]", "cannot add to 'a': it is an inline table, which is closed once written (at 1:5)"),
        ("a = {b = 1}\n1️⃣a.c = 2", "cannot add to 'a': it is an inline table, which is closed once written (at 1:5)"),
        ("a = [1]\n1️⃣[[a]]", "cannot add to 'a': it is a static array (at 1:5)"),
        ("[[a]]\n1️⃣[a]", "cannot add to 'a': it is an array of tables (at 1:1)"),
        ("[x]\ny.z = 1\n1️⃣[x.y]", "cannot add to 'x.y': it is a table defined by dotted keys (at 2:1)"),
        ("[a.b]\nc = 1\n[a]\n1️⃣b.d = 2", "cannot add to 'b': it is a table defined by a header (at 1:1)"),
    ]

    @Test func diagnosticsAreExact() {
        for (marked, message) in Self.cases {
            let (text, location) = Self.unmark(marked)
            let error = parseError(text)
            #expect(error?.description == "\(location): \(message)", "input: \(String(reflecting: text))")
        }
    }

    /// Removes the 1️⃣ marker and returns where it was, counting columns in Unicode scalars.
    static func unmark(_ marked: String) -> (String, Config.SourceLocation) {
        let scalars = Array(marked.unicodeScalars)
        let marker = Array("1️⃣".unicodeScalars)
        guard let at = scalars.indices.first(where: { scalars[$0...].starts(with: marker) }) else {
            return (marked, loc(0, 0))
        }
        let before = scalars[..<at]
        let line = before.filter { $0 == "\n" }.count + 1
        let column = at - (before.lastIndex(of: "\n").map { $0 + 1 } ?? 0) + 1
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[..<at])
        text.append(contentsOf: scalars[(at + marker.count)...])
        return (String(text), loc(line, column))
    }

    @Test func errorsCarryStructuredData() {
        #expect(parseError("a = 1\nb = 2\na = 3") == .duplicateKey(key: "a", location: loc(3, 1), previous: loc(1, 1)))
        #expect(parseError("x = 99999999999999999999") == .invalidNumber(
            text: "99999999999999999999", problem: .outOfRange, location: loc(1, 5)))
        let error = parseError("[a]\n[a]")
        #expect(error?.location == loc(2, 1))
        #expect(error?.message == "table [a] is defined twice (first at 1:1)")
    }

    @Test func invalidUTF8IsReportedWithItsOffset() {
        let bytes: [UInt8] = Array("a = 1\ns = \"".utf8) + [0xC3, 0x28] + Array("\"".utf8)
        #expect(throws: ConfigError.invalidUTF8(byteOffset: 11, location: loc(2, 6))) {
            try TOML.parse(bytes: bytes)
        }
        #expect(throws: ConfigError.self) { try TOML.parse(bytes: [0xED, 0xA0, 0x80]) } // encoded surrogate
        #expect(throws: ConfigError.self) { try TOML.parse(bytes: [0xC0, 0xAF]) } // overlong '/'
    }

    @Test func limitsAreInclusive() throws {
        #expect(try TOML.parse("n = -9223372036854775808")["n"]?.integer == Int64.min)
        #expect(try TOML.parse("n = 0x7FFFFFFFFFFFFFFF")["n"]?.integer == Int64.max)
        #expect(parseError("d = 2024-02-29") == nil)
        #expect(parseError("d = 1900-02-29") != nil)
    }

    // MARK: - Nesting depth

    @Test func deepArraysStopAtTheLimit() throws {
        let limit = TOML.maximumDepth
        func arrays(_ n: Int) -> String { "a = " + String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        #expect(parseError(arrays(limit)) == nil)
        #expect(parseError(arrays(limit + 1)) == .nestingTooDeep(limit: limit, location: loc(1, 5 + limit)))
        #expect(parseError(arrays(limit + 1))?.description == "1:\(5 + limit): nesting deeper than \(limit) levels")
        // Far past the limit, unbalanced: must fail cleanly, not overflow the stack.
        #expect(parseError("a = " + String(repeating: "[", count: 100_000)) == .nestingTooDeep(
            limit: limit, location: loc(1, 5 + limit)))
    }

    @Test func deepInlineTablesKeysAndHeadersStopAtTheLimit() {
        let limit = TOML.maximumDepth
        func inline(_ n: Int) -> String {
            "a = " + String(repeating: "{b = ", count: n - 1) + "{}" + String(repeating: "}", count: n - 1)
        }
        func path(_ n: Int) -> String { Array(repeating: "k", count: n).joined(separator: ".") }
        #expect(parseError(inline(limit)) == nil)
        #expect(isTooDeep(parseError(inline(limit + 1))))
        #expect(isTooDeep(parseError("a = " + String(repeating: "{b = ", count: 100_000))))
        #expect(parseError(path(limit) + " = 1") == nil)
        #expect(isTooDeep(parseError(path(limit + 1) + " = 1")))
        #expect(parseError("[" + path(limit) + "]") == nil)
        #expect(isTooDeep(parseError("[[" + path(limit + 1) + "]]")))
        // Depth adds up across a header, a dotted key and a value.
        let header = "[" + path(limit - 10) + "]\n" + path(5) + " = "
        #expect(parseError(header + String(repeating: "[", count: 6) + String(repeating: "]", count: 6)) == nil)
        #expect(isTooDeep(parseError(header + String(repeating: "[", count: 7))))
    }

    private func isTooDeep(_ error: ConfigError?) -> Bool {
        if case .nestingTooDeep = error { return true }
        return false
    }
}
