// The JSON codec the wire protocol rests on: round trips, exact error offsets, hostile input.
import JSON
import Testing

@Suite struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSON.parse(#"{"a": [1, -2.5, 1e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}}"#)
        #expect(v["a"]?[0] == .int(1))
        #expect(v["a"]?[1] == .double(-2.5))
        #expect(v["a"]?[2] == .double(1000))
        #expect(v["a"]?[3] == .bool(true))
        #expect(v["a"]?[5] == .null)
        #expect(v["b"]?["c"]?.stringValue == "d\né😀")
    }

    @Test func serialisesOnOneLineAndRoundTrips() throws {
        let v: JSON = ["z": 1, "a": ["x\ny", "q\"uote", "tab\t", "\u{01}"], "n": .null, "d": 0.5, "big": .int(Int64.max)]
        let line = v.serialized()
        #expect(!line.contains("\n"))
        #expect(line == #"{"z":1,"a":["x\ny","q\"uote","tab\t","\u0001"],"n":null,"d":0.5,"big":9223372036854775807}"#)
        #expect(try JSON.parse(line) == v)
        #expect(try JSON.parse(v.pretty()) == v)
    }

    @Test func keepsKeyOrder() throws {
        let v = try JSON.parse(#"{"b":1,"a":2,"c":3}"#)
        #expect(v.objectValue?.keys == ["b", "a", "c"])
    }

    @Test(arguments: [
        ("{", JSONError.unexpectedEnd(offset: 1)),
        ("[1,]", JSONError.unexpectedCharacter(found: UInt8(ascii: "]"), offset: 3, expected: "a JSON value")),
        ("01", JSONError.invalidNumber(offset: 0)),
        ("\"a\u{01}\"", JSONError.controlCharacter(offset: 2)),
        (#""\x""#, JSONError.invalidEscape(offset: 1)),
        (#""\ud800""#, JSONError.invalidUnicode(offset: 1)),
        ("1 2", JSONError.trailingData(offset: 2)),
        ("tru", JSONError.unexpectedEnd(offset: 3)),
        ("{\"a\" 1}", JSONError.unexpectedCharacter(found: UInt8(ascii: "1"), offset: 5, expected: "':'")),
    ])
    func rejectsMalformedInputWithTheOffset(_ text: String, _ expected: JSONError) {
        #expect(throws: expected) { try JSON.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONError.invalidUnicode(offset: 1)) { try JSON.parse([0x22, 0xff, 0x22]) }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError.self) { try JSON.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSON.parse(ok) }
    }
}
