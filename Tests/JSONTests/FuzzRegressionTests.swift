// Inputs the json fuzz target (Fuzz/json.swift) once failed on, Tests/Fixtures/fuzz/json/, put
// through the same checks: parse, and whatever parses serializes (compact and indented) and parses
// back to an equal value.
import JSON
import Testing
import TestSupport

@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzFixtures.names("json"))
    func parsesOrThrowsAndRoundTrips(_ name: String) throws {
        let bytes = try FuzzFixtures.bytes("json", name)
        guard let value = try? JSON.parse(bytes) else { return }
        for text in [value.serialized(), value.pretty()] {
            #expect(try JSON.parse(text) == value, "\(name) changed on the round trip: \(text)")
        }
    }

    /// The first fuzz finding: `-61E06663` parsed as -infinity, which serializes as null (and
    /// traps when a caller converts it to an integer).
    @Test func numbersBeyondADoubleAreRefused() throws {
        #expect(throws: JSONError.numberOutOfRange(offset: 1)) { try JSON.parse("[1e400]") }
        #expect(throws: JSONError.numberOutOfRange(offset: 0)) { try JSON.parse("-" + String(repeating: "9", count: 400)) }
        #expect(try JSON.parse("1.7976931348623157e308") == .double(.greatestFiniteMagnitude))
        #expect(try JSON.parse("1e-400") == .double(0))
    }
}
