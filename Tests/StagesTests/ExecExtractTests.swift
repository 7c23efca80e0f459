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
    func ingest(command: [String], timeoutMs: Int = 5000, files: [String: String]) throws -> (IngestReport, IndexStore, EngineFixture) {
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
        let f = try EngineFixture(ingest: toml)
        for (name, text) in files { try f.write(name, text) }
        return (try f.ingest(), f.index, f)
    }

    @Test func commandOutputWithFormFeedsBecomesPages() throws {
        let (r, store, keep) = try ingest(command: ["sh", "-c", "printf 'First page text.\\fThe second page mentions walruses.'"],
                                         files: ["a.dat": "ignored"])
        defer { withExtendedLifetime(keep) {} }
        #expect(r.added == 1)
        let hit = try #require(try store.read { try $0.searchLexical("walruses", limit: 1) }.first)
        #expect(hit.span.page == 2)
    }

    @Test func fileOnStdinWhenNoPathPlaceholder() throws {
        let (r, store, keep) = try ingest(command: ["tr", "a-z", "A-Z"], files: ["b.dat": "quiet penguins"])
        defer { withExtendedLifetime(keep) {} }
        #expect(r.added == 1)
        #expect(try store.read { try $0.searchLexical("penguins", limit: 1) }.first?.text == "QUIET PENGUINS")
    }

    @Test func failuresAndTimeoutsAreReasons() throws {
        let (r, _, keep) = try ingest(command: ["sh", "-c", "sleep 5"], timeoutMs: 200, files: ["c.dat": "x"])
        defer { withExtendedLifetime(keep) {} }
        #expect(r.skipped == 1)
        #expect(r.problems.first?.reason.contains("timed out after 200 ms") == true)
        let (r2, _, keep2) = try ingest(command: ["sh", "-c", "echo broken >&2; exit 3"], files: ["d.dat": "x"])
        defer { withExtendedLifetime(keep2) {} }
        #expect(r2.problems.first?.reason.contains("exit status 3: broken") == true)
        let (r3, _, keep3) = try ingest(command: ["/no/such/tool"], files: ["e.dat": "x"])
        defer { withExtendedLifetime(keep3) {} }
        #expect(r3.problems.first?.reason.contains("cannot start") == true)
    }
}
