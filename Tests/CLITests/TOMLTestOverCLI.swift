// toml-test the way its own harness runs a decoder: every TOML 1.0.0 case through the built
// `nerve debug toml FILE`, valid ones compared with the expected tagged JSON, invalid ones
// required to exit 1 with a diagnostic.
import Foundation
import Testing
import TestSupport

@Suite struct TOMLTestOverCLI {
    static let root = Paths.sharedData.map { $0 + "/toml-test/tests" }

    @Test(.enabled(if: root != nil, "toml-test suite not found at ../shared/data/toml-test"))
    func everyCaseThroughNerveDebugToml() throws {
        guard let root = Self.root else { return }
        let list = try String(contentsOfFile: root + "/files-toml-1.0.0", encoding: .utf8)
        let cases = list.split(whereSeparator: \.isNewline).map(String.init).filter { $0.hasSuffix(".toml") }
        var passed = 0
        for name in cases {
            let r = try Binaries.run("nerve", ["debug", "toml", root + "/" + name])
            if name.hasPrefix("valid/") {
                let expectedPath = root + "/" + name.dropLast(5) + ".json"
                guard r.status == 0,
                      let actual = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)),
                      let data = FileManager.default.contents(atPath: expectedPath),
                      let expected = try? JSONSerialization.jsonObject(with: data) else {
                    Issue.record("\(name): exit \(r.status): \(r.stderr)")
                    continue
                }
                if let d = TaggedJSONComparison.difference(actual, expected) { Issue.record("\(name): \(d)") } else { passed += 1 }
            } else if r.status == 1 && r.stderr.contains("error:") {
                passed += 1
            } else {
                Issue.record("\(name): invalid document accepted (exit \(r.status))")
            }
        }
        print("toml-test 1.0.0 over `nerve debug toml`: \(passed)/\(cases.count) cases pass")
        #expect(cases.count > 650)
        #expect(passed == cases.count)
    }
}
