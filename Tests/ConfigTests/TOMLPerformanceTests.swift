// Large documents parse correctly: a 1 MB pipeline-like document and a 1 MB single-line array
// (the worst case for column counting). Timings are printed for information only; speed is
// measured in scripts/bench, never asserted in tests.
import Config
import Testing

@Suite struct TOMLPerformanceTests {
    static func pipelineDocument(bytes: Int) -> String {
        var text = "# generated\nversion = 1\n"
        var i = 0
        while text.utf8.count < bytes {
            text += """

                [[stage]]
                id = "stage-\(i)"   # comment \(i)
                kind = 'search.hybrid'
                in = ["embed.vector", "query.text", ]
                params = { k = \(i % 50), weight = 0.\(i % 10)5, on = true }
                note = \"\"\"
                multi-line \\
                  text with "quotes" and \\u00E9\"\"\"
                when = 1979-05-27T07:32:00.\(i % 1000)Z
                limits.max_tokens = 1_024
                limits.timeout = 2.5e3

                """
            i += 1
        }
        return text
    }

    @Test func oneMegabytePipelineParses() throws {
        let text = Self.pipelineDocument(bytes: 1 << 20)
        let bytes = Array(text.utf8)
        var table: TOMLTable?
        let elapsed = try Self.fastest(of: 1) { table = try TOML.parse(bytes: bytes) }
        let stages = table?["stage"]?.array?.count ?? 0
        print("TOML 1 MB pipeline (\(stages) stages): \(elapsed)")
        #expect(stages > 1000)
    }

    @Test func oneMegabyteSingleLineArrayParses() throws {
        var text = "a = ["
        var i = 0
        while text.utf8.count < 1 << 20 {
            text += "\(i), \"é\(i)\", "
            i += 1
        }
        text += "]"
        let bytes = Array(text.utf8)
        var table: TOMLTable?
        let elapsed = try Self.fastest(of: 1) { table = try TOML.parse(bytes: bytes) }
        let elements = table?["a"]?.array
        print("TOML 1 MB single-line array (\(elements?.count ?? 0) elements): \(elapsed)")
        // The last element's column proves columns are counted in scalars across the whole line.
        let tail = "\"é\(i - 1)\", ]"
        #expect(elements?.last?.location.column == text.unicodeScalars.count - tail.unicodeScalars.count + 1)
    }

    /// The best of several runs: the parser's cost, not the machine's other load.
    static func fastest(of runs: Int, _ body: () throws -> Void) throws -> Duration {
        var best = Duration.seconds(1000)
        for _ in 0..<runs { best = min(best, try ContinuousClock().measure(body)) }
        return best
    }
}
