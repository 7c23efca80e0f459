// extract.exec: an external command's output becomes the document (form feeds → pages); failures,
// timeouts and runaway output are reasons in the ingest report, never a stalled ingest.
import Config
import Index
import Pipeline
import Posix
import Stages
import Testing
import TestSupport

@Suite struct ExecExtractTests {
    func ingest(command: [String], timeoutMs: Int = 5000, files: [String: String]) throws -> (IngestReport, IndexStore, String) {
        let dir = try Paths.temporaryDirectory()
        let root = dir + "/docs"
        try FileSystem.makeDirectories(root)
        for (name, text) in files { try FileSystem.writeAtomically(root + "/" + name, Array(text.utf8)) }
        let store = try IndexStore(directory: dir + "/index")
        let env = StageEnvironment(index: store)
        let cmd = "[" + command.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let toml = """
        version = 1
        [[stage]]
        id = "files"
        kind = "walk"
        [[stage]]
        id = "tool"
        kind = "extract.exec"
        in = ["files.file"]
        command = \(cmd)
        match = ["*.dat"]
        timeout_ms = \(timeoutMs)
        [[stage]]
        id = "chunk"
        kind = "chunk"
        in = ["tool.document"]
        [[stage]]
        id = "write"
        kind = "index.write"
        in = ["chunk.chunks"]
        """
        let p = try PipelineLoader.link(bytes: Array(toml.utf8), path: "ingest.toml", role: "ingest", registry: StandardKinds.registry(env))
        let report = try IngestRunner(env: env, pipeline: p).run(root: root)
        try store.checkIntegrity()
        return (report, store, dir)
    }

    @Test func commandOutputWithFormFeedsBecomesPages() throws {
        let (r, store, dir) = try ingest(command: ["sh", "-c", "printf 'First page text.\\fThe second page mentions walruses.'"],
                                         files: ["a.dat": "ignored"])
        defer { FileSystem.removeTree(dir) }
        #expect(r.added == 1)
        let hit = try #require(try store.read { try $0.searchLexical("walruses", limit: 1) }.first)
        #expect(hit.span.page == 2)
    }

    @Test func fileOnStdinWhenNoPathPlaceholder() throws {
        let (r, store, dir) = try ingest(command: ["tr", "a-z", "A-Z"], files: ["b.dat": "quiet penguins"])
        defer { FileSystem.removeTree(dir) }
        #expect(r.added == 1)
        #expect(try store.read { try $0.searchLexical("penguins", limit: 1) }.first?.text == "QUIET PENGUINS")
    }

    @Test func failuresAndTimeoutsAreReasons() throws {
        let (r, _, dir) = try ingest(command: ["sh", "-c", "sleep 5"], timeoutMs: 200, files: ["c.dat": "x"])
        defer { FileSystem.removeTree(dir) }
        #expect(r.skipped == 1)
        #expect(r.problems.first?.reason.contains("timed out after 200 ms") == true)
        let (r2, _, dir2) = try ingest(command: ["sh", "-c", "echo broken >&2; exit 3"], files: ["d.dat": "x"])
        defer { FileSystem.removeTree(dir2) }
        #expect(r2.problems.first?.reason.contains("exit status 3: broken") == true)
        let (r3, _, dir3) = try ingest(command: ["/no/such/tool"], files: ["e.dat": "x"])
        defer { FileSystem.removeTree(dir3) }
        #expect(r3.problems.first?.reason.contains("cannot start") == true)
    }
}
