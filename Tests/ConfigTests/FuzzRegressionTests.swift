// Inputs the toml fuzz target (Fuzz/toml.swift) once failed on, Tests/Fixtures/fuzz/toml/, put
// through the same checks: a document parses or throws a ConfigError, and what parses renders to
// tagged JSON that is valid JSON.
import Config
import JSON
import Testing
import TestSupport

@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzFixtures.names("toml"))
    func parsesOrThrowsAndRendersValidJSON(_ name: String) throws {
        let bytes = try FuzzFixtures.bytes("toml", name)
        guard let table = try? TOML.parse(bytes: bytes) else { return }
        let tagged = taggedJSON(table)
        #expect((try? JSON.parse(tagged)) != nil, "\(name): tagged JSON does not parse: \(tagged)")
    }
}
