// Each configurable limit on input (docs/limits.md), black-box through the daemon: the request
// that breaks it gets its stable code (or the file its reported reason), and the daemon keeps
// serving. Plus the flags that set the same keys.
import Daemon
import JSON
import Posix
import Testing
import TestSupport
import Wire

@Suite struct LimitTests {
    @Test func requestLineLimitFollowsTheConfigAndReportsIt() throws {
        let h = try DaemonHarness(.live) { $0.maxRequestBytes = 2048 }
        let c = try WireClient(path: h.socket)
        defer { c.close() }
        let question = String(repeating: "q", count: 3000)
        try c.send(#"{"jsonrpc":"2.0","id":1,"method":"ask","params":{"question":"\#(question)"}}"#)
        let big = try JSON.parse(try #require(try c.readLine()))
        #expect(big["error"]?["data"]?["code"] == "ETOOBIG")
        #expect(big["error"]?["data"]?["limit"] == 2048)
        #expect(big["id"] == .null)
        try c.send(#"{"jsonrpc":"2.0","id":2,"method":"status"}"#)
        #expect(try JSON.parse(try #require(try c.readLine()))["result"]?["documents"] == 0)
    }

    @Test(arguments: DaemonHarness.Mode.allCases)
    func questionLengthFollowsTheConfiguredLimit(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode) { $0.maxQuestionChars = 10 }
        do {
            _ = try h.call("ask", ["question": "twelve chars"])
            Issue.record("a 12-character question was accepted with a limit of 10")
        } catch let WireError.rpc(code, _, data) {
            #expect(code == .ETOOBIG)
            #expect(data["limit"] == 10)
        }
        // Within the limit (after trimming) the question goes on to the index, empty here.
        #expect(h.errorCode("ask", ["question": "  ten chars!  "]) == .ENOINDEX)
        #expect(try h.call("status")["documents"] == 0)
    }

    @Test(arguments: DaemonHarness.Mode.allCases)
    func fileSizeLimitSkipsLargerFilesAndCapsThePipeline(_ mode: DaemonHarness.Mode) throws {
        // The default pipeline's walk stage allows 64 MiB; the daemon's 100 bytes wins.
        let h = try DaemonHarness(mode) { $0.maxFileBytes = 100 }
        let root = try h.makeFolder(["small.txt": "Short enough to read.\n",
                                     "large.txt": String(repeating: "Too long to read. ", count: 10)])
        let report = try h.call("ingest", ["path": .string(root)])
        #expect(report["added"] == 1)
        #expect(report["skipped"] == 1)
        let problem = try #require(report["problems"]?.arrayValue?.first)
        #expect(problem["path"]?.stringValue?.hasSuffix("large.txt") == true)
        #expect(problem["reason"]?.stringValue?.contains("the limit is 100") == true)
        #expect(try h.call("status")["documents"] == 1)
    }

    /// Ingests the PDF decompression bomb fixture and returns why it failed (nil if it did not).
    static func bombFailure(ratio: Int?) throws -> String? {
        let h = try DaemonHarness(.inProcess) { if let ratio { $0.maxDecompressionRatio = ratio } }
        let root = h.dir + "/bomb"
        try FileSystem.makeDirectories(root)
        try FileSystem.writeAtomically(root + "/bomb.pdf", try FileSystem.read(Paths.fixtures + "/pdf/bomb.pdf"))
        let report = try h.call("ingest", ["path": .string(root)])
        #expect(try h.call("status")["generation"] != nil)
        return report["problems"]?.arrayValue?.first?["reason"]?.stringValue
    }

    @Test func decompressionRatioFollowsTheConfig() throws {
        let byDefault = try #require(try Self.bombFailure(ratio: nil))
        #expect(byDefault.contains("expansion ratio exceeds the limit of 200"), "\(byDefault)")
        let tighter = try #require(try Self.bombFailure(ratio: 150))
        #expect(tighter.contains("expansion ratio exceeds the limit of 150"), "\(tighter)")
        // Allowed any ratio, the bomb is stopped by the per-stream size limit instead.
        let loose = try Self.bombFailure(ratio: 1_000_000)
        #expect(loose?.contains("expansion ratio") != true, "\(loose ?? "accepted")")
    }

    @Test func limitKeysAreReadFromTheConfigFile() throws {
        let text = "max_question_chars = 200\nmax_file_bytes = 1_000\nmax_decompression_ratio = 50\nmax_request_bytes = 4096\n"
        let c = try DaemonConfig.parse(bytes: Array(text.utf8), path: "nerved.toml")
        #expect((c.maxQuestionChars, c.maxFileBytes, c.maxDecompressionRatio, c.maxRequestBytes) == (200, 1000, 50, 4096))
        let d = DaemonConfig()
        #expect((d.maxQuestionChars, d.maxFileBytes, d.maxDecompressionRatio, d.maxRequestBytes) == (4096, 64 << 20, 200, 1 << 20))
        for bad in ["max_question_chars = 0", "max_file_bytes = 0", "max_decompression_ratio = 0", "max_request_bytes = 10"] {
            #expect(throws: DaemonError.self, "\(bad)") { try DaemonConfig.parse(bytes: Array((bad + "\n").utf8), path: "nerved.toml") }
        }
    }

    @Test func shippedConfigSetsEveryKeyToItsDefault() throws {
        let shipped = try DaemonConfig.load(path: Paths.packageRoot + "/etc/nerved.toml")
        let text = String(decoding: try FileSystem.read(Paths.packageRoot + "/etc/nerved.toml"), as: UTF8.self)
        for key in DaemonConfig.keys.map(\.name) { #expect(text.contains("\n\(key) = "), "etc/nerved.toml does not document \(key)") }
        #expect(shipped.maxFileBytes == DaemonConfig().maxFileBytes)
        #expect(shipped.maxDecompressionRatio == DaemonConfig().maxDecompressionRatio)
        #expect(shipped.maxQuestionChars == DaemonConfig().maxQuestionChars)
    }

    @Test func flagsSetLimitsWithinTheirBounds() throws {
        var c = DaemonConfig()
        try c.set(flag: "max_file_bytes", "1_048_576")
        try c.set(flag: "max_decompression_ratio", "500")
        try c.set(flag: "max_question_chars", "80")
        #expect((c.maxFileBytes, c.maxDecompressionRatio, c.maxQuestionChars) == (1 << 20, 500, 80))
        for (key, text) in [("max_file_bytes", "0"), ("max_decompression_ratio", "lots"), ("max_request_bytes", "12"), ("socket", "x")] {
            do {
                try c.set(flag: key, text)
                Issue.record("--\(key) \(text) was accepted")
            } catch let DaemonError.config(diagnostics) {
                #expect(diagnostics.first?.message.hasPrefix("--" + key.replacing("_", with: "-")) == true)
            }
        }
        #expect(c.maxFileBytes == 1 << 20, "a refused flag left the value alone")
    }
}
