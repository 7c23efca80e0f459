// Runs the toml-test suite (../shared/data/toml-test) for TOML 1.0.0: every listed valid case
// must parse to the expected tagged JSON, every listed invalid case must be rejected.
import Config
import Foundation
import TestSupport
import Testing

@Suite struct TOMLConformanceTests {
    static let root = Paths.sharedData.map { $0 + "/toml-test/tests" }

    @Test(.enabled(if: root != nil, "toml-test suite not found at ../shared/data/toml-test"))
    func tomlTest100() throws {
        guard let root = Self.root else {
            print("toml-test: skipped, ../shared/data is absent")
            return
        }
        let list = try String(contentsOfFile: root + "/files-toml-1.0.0", encoding: .utf8)
        let cases = list.split(whereSeparator: \.isNewline).map(String.init).filter { $0.hasSuffix(".toml") }
        var validPassed = 0, validTotal = 0, invalidPassed = 0, invalidTotal = 0
        for name in cases {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/" + name)))
            if name.hasPrefix("valid/") {
                validTotal += 1
                if let failure = checkValid(name, bytes, root: root) {
                    Issue.record("\(name): \(failure)")
                } else {
                    validPassed += 1
                }
            } else {
                invalidTotal += 1
                if let table = try? TOML.parse(bytes: bytes) {
                    Issue.record("\(name): accepted an invalid document, got \(taggedJSON(table))")
                } else {
                    invalidPassed += 1
                }
            }
        }
        print("toml-test 1.0.0: valid \(validPassed)/\(validTotal), invalid \(invalidPassed)/\(invalidTotal)")
        #expect(validTotal > 200 && invalidTotal > 450, "the case list looks truncated")
        #expect(validPassed == validTotal)
        #expect(invalidPassed == invalidTotal)
    }

    /// nil on success, else why the case failed.
    private func checkValid(_ name: String, _ bytes: [UInt8], root: String) -> String? {
        let table: TOMLTable
        do {
            table = try TOML.parse(bytes: bytes)
        } catch {
            return "rejected a valid document: \(error)"
        }
        let jsonPath = root + "/" + name.dropLast(".toml".count) + ".json"
        guard let expectedData = FileManager.default.contents(atPath: jsonPath),
              let expected = try? JSONSerialization.jsonObject(with: expectedData) else {
            return "cannot read \(jsonPath)"
        }
        let rendered = taggedJSON(table)
        guard let actual = try? JSONSerialization.jsonObject(with: Data(rendered.utf8)) else {
            return "taggedJSON produced invalid JSON:\n\(rendered)"
        }
        return TaggedJSONComparison.difference(actual, expected)
    }
}
