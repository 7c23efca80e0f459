// Values as read: strings and escapes, numbers, date/time fields and their RFC 3339 text, and
// the exact tagged-JSON rendering that `nerve debug toml` prints.
import Config
import Testing

@Suite struct TOMLValueTests {
    @Test func stringForms() throws {
        let root = try TOML.parse(#"""
            basic = "tab\there \"q\" \u00E9 \U0001F600"
            literal = 'C:\path\*'
            multi = """
            one \
                two
            three""""
            raw = '''
            a\nb'''''
            """#)
        #expect(root["basic"]?.string == "tab\there \"q\" é 😀")
        #expect(root["literal"]?.string == #"C:\path\*"#)
        #expect(root["multi"]?.string == "one two\nthree\"")
        #expect(root["raw"]?.string == #"a\nb''"#)
    }

    @Test func numbers() throws {
        let root = try TOML.parse("""
            a = +1_000
            b = 0xDEAD_beef
            c = 0o755
            d = 0b1101
            e = -0.0
            f = 6.626e-34
            g = -inf
            h = nan
            i = 1E3
            """)
        #expect(root["a"]?.integer == 1000)
        #expect(root["b"]?.integer == 0xDEAD_BEEF)
        #expect(root["c"]?.integer == 0o755)
        #expect(root["d"]?.integer == 13)
        #expect(root["e"]?.float == 0 && root["e"]?.float?.sign == .minus)
        #expect(root["f"]?.float == 6.626e-34)
        #expect(root["g"]?.float == -.infinity)
        #expect(root["h"]?.float?.isNaN == true)
        #expect(root["i"]?.float == 1000)
    }

    @Test func dateTimesKeepFieldsAndFractionDigits() throws {
        let root = try TOML.parse("""
            odt = 1979-05-27 07:32:00.5-07:30
            utc = 1979-05-27t07:32:00z
            ldt = 1979-05-27T07:32:00.123456789123
            ld = 2000-02-29
            lt = 23:59:60.010
            """)
        guard case .offsetDateTime(let odt) = root["odt"]?.value else { Issue.record("odt"); return }
        #expect(odt.offsetMinutes == -450)
        #expect(odt.time.nanosecond == 500_000_000)
        #expect(odt.description == "1979-05-27T07:32:00.5-07:30")
        guard case .offsetDateTime(let utc) = root["utc"]?.value else { Issue.record("utc"); return }
        #expect(utc.description == "1979-05-27T07:32:00Z")
        guard case .localDateTime(let ldt) = root["ldt"]?.value else { Issue.record("ldt"); return }
        #expect(ldt.time.nanosecond == 123_456_789) // truncated beyond nanoseconds, not rounded
        #expect(ldt.description == "1979-05-27T07:32:00.123456789")
        guard case .localDate(let ld) = root["ld"]?.value else { Issue.record("ld"); return }
        #expect((ld.year, ld.month, ld.day) == (2000, 2, 29))
        guard case .localTime(let lt) = root["lt"]?.value else { Issue.record("lt"); return }
        #expect(lt.description == "23:59:60.010")
    }

    @Test func taggedJSONRendering() throws {
        let root = try TOML.parse("""
            s = "line\\nquote\\" tab\\t bell\\u0007"
            n = [1, 2.5, 1e300, inf, true]
            empty = {}
            none = []

            [[t]]
            d = 1979-05-27
            [t.x]
            "k e y" = 07:32:00
            """)
        #expect(taggedJSON(root) == """
            {
              "s": {"type": "string", "value": "line\\nquote\\" tab\\t bell\\u0007"},
              "n": [
                {"type": "integer", "value": "1"},
                {"type": "float", "value": "2.5"},
                {"type": "float", "value": "1e+300"},
                {"type": "float", "value": "inf"},
                {"type": "bool", "value": "true"}
              ],
              "empty": {},
              "none": [],
              "t": [
                {
                  "d": {"type": "date-local", "value": "1979-05-27"},
                  "x": {
                    "k e y": {"type": "time-local", "value": "07:32:00"}
                  }
                }
              ]
            }

            """)
    }

    @Test func implicitTablesCanBeDefinedLaterOnce() throws {
        let root = try TOML.parse("""
            [a.b.c]
            x = 1
            [a]
            y = 2
            [a.b.d]
            z = 3
            """)
        let a = try #require(root["a"]?.table)
        #expect(a.keys == ["b", "y"])
        #expect(a.location == loc(3, 1)) // the header that defined it, not the path that implied it
        #expect(a["b"]?.table?.keys == ["c", "d"])
    }

    @Test func keysCompareByCodePointsNotCanonicalEquivalence() throws {
        // Precomposed é and e + combining acute: equal as Swift Strings, distinct TOML keys.
        let root = try TOML.parse("\"\u{E9}\" = 1\n\"e\u{301}\" = 2\n")
        #expect(root.count == 2)
        #expect(root["\u{E9}"]?.integer == 1)
        #expect(root["e\u{301}"]?.integer == 2)
    }

    @Test func wideTablesFindEveryKeyAndCatchDuplicates() throws {
        let lines = (0..<500).map { "key\($0) = \($0)" }
        let root = try TOML.parse(lines.joined(separator: "\n"))
        #expect(root.count == 500)
        #expect(root.keys == (0..<500).map { "key\($0)" })
        #expect((0..<500).allSatisfy { root["key\($0)"]?.integer == Int64($0) })
        #expect(root["key500"] == nil)
        #expect(root.keyLocation("key499") == loc(500, 1))
        let error = parseError(lines.joined(separator: "\n") + "\nkey321 = 0")
        #expect(error == .duplicateKey(key: "key321", location: loc(501, 1), previous: loc(322, 1)))
    }
}
