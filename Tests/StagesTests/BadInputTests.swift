// The bad-input corpus (Tests/Fixtures/bad-input, made by scripts/fixtures/make_bad_inputs.py)
// plus what cannot be committed — a huge sparse file, a symlink loop — ingested in one go: every
// bad file is skipped with a reason, nothing crashes or stalls, the good file still gets in, and
// the index stays consistent. Secrets reachable through XXE never reach the index.
import Config
import Index
import Pipeline
import Posix
import Stages
import Testing
import TestSupport

@Suite struct BadInputTests {
    @Test func everyBadFileIsSkippedWithAReason() throws {
        var text = String(decoding: try FileSystem.read(Paths.packageRoot + "/pipelines/ingest.toml"), as: UTF8.self)
        text = text.replacing("max_file_bytes = 67108864", with: "max_file_bytes = 67108864\nfollow_symlinks = true")
        let f = try EngineFixture(ingest: text)
        let root = f.root
        let fixtures = Paths.fixtures + "/bad-input"
        for name in try FileSystem.list(fixtures) {
            try FileSystem.writeAtomically(root + "/" + name, try FileSystem.read(fixtures + "/" + name))
        }
        _ = try Subprocess.run(["truncate", "-s", "100M", root + "/huge.txt"], timeoutMs: 10_000)
        try FileSystem.makeDirectories(root + "/loop")
        try FileSystem.symlink(target: "..", at: root + "/loop/up")

        let store = f.index
        let start = ContinuousClock.now
        let report = try f.ingest()
        #expect(ContinuousClock.now - start < .seconds(60), "bad input must not stall ingest")

        var reasons: [String: String] = [:]
        for p in report.problems { reasons[String(p.path.dropFirst(root.count + 1))] = p.reason }
        print("bad input: \(report.files) files, \(report.added) indexed, \(report.skipped) skipped, \(report.failed) failed")
        for (k, v) in reasons.sorted(by: { $0.key < $1.key }) { print("  \(k): \(v.prefix(110))") }

        func expectReason(_ file: String, _ words: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            guard let r = reasons[file]?.lowercased() else {
                Issue.record("\(file) was not reported", sourceLocation: sourceLocation)
                return
            }
            #expect(words.contains { r.contains($0) }, "\(file): \(r)", sourceLocation: sourceLocation)
        }
        expectReason("empty.txt", ["empty file"])
        expectReason("binary.txt", ["binary"])
        expectReason("binary-named.md", ["binary"])
        expectReason("huge.txt", ["limit"])
        expectReason("truncated.docx", ["zip", "corrupt"])
        expectReason("not-a-zip.docx", ["zip", "corrupt"])
        expectReason("legacy-encrypted.docx", ["legacy", "encrypted", "zip"])
        expectReason("bomb.docx", ["expands", "limit", "bomb"])
        expectReason("garbage.pdf", ["pdf"])
        expectReason("truncated.pdf", ["pdf"])
        expectReason("loop.pdf", ["pdf"])
        expectReason("deep.json", ["json", "deep"])
        expectReason("bad.json", ["json"])
        expectReason("loop/up", ["loop"])
        #expect(reasons["good.md"] == nil)
        let good = try store.read { try $0.searchLexical("flamingos", limit: 3) }
        #expect(good.first?.documents.first?.path == root + "/good.md")
        let leaked = try store.read { try $0.searchLexical("root x 0 0 bin bash", limit: 5) }
        #expect(!leaked.contains { $0.text.contains("root:x:0:0") }, "XXE must not read local files")
        let laughs = try store.read { try $0.searchLexical("aaaaaaaaaa", limit: 5) }
        #expect(laughs.allSatisfy { $0.text.count < 100_000 }, "entity expansion must be bounded")
    }
}
