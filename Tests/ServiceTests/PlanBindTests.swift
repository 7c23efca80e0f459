// Plan, then bind: checking pipelines touches nothing (no index, no file), a reload whose files
// do not all plan and bind changes nothing — the serving pipelines answer and the index's vector
// settings stay as they were — and a good reload applies the new settings.
import Index
import JSON
import Pipeline
import Posix
import Service
import Stages
import Testing
import TestSupport

@Suite struct PlanBindTests {
    /// Every path under `dir`, recursively.
    func listing(_ dir: String) throws -> [String] {
        var out: [String] = []
        for name in try FileSystem.list(dir).sorted() {
            out.append(name)
            if FileSystem.isDirectory(dir + "/" + name) { out += try listing(dir + "/" + name).map { name + "/" + $0 } }
        }
        return out
    }

    @Test func checkCreatesNothing() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        #expect(try listing(dir).isEmpty)
        let missing = Engine.check(pipelines: dir + "/pipelines")
        #expect(!missing.ok)
        #expect(missing.report.contains("cannot read pipeline file"))
        try Paths.copyRepositoryPipelines(to: dir + "/pipelines")
        let before = try listing(dir)
        let ok = Engine.check(pipelines: dir + "/pipelines")
        #expect(ok.ok, "\(ok.report)")
        #expect(try listing(dir) == before, "checking created files")
    }

    static func ask(m: Int, exactBelow: Int) -> String {
        let text = String(decoding: (try? FileSystem.read(Paths.packageRoot + "/pipelines/ask.toml")) ?? [], as: UTF8.self)
        return text.replacing("exact_below = 20000", with: "exact_below = \(exactBelow)\nm = \(m)")
    }

    @Test func aBrokenReloadChangesNothing() throws {
        let f = try EngineFixture(ask: Self.ask(m: 16, exactBelow: 20000))
        try f.write("p.md", "# Parking\n\nParking permits cost nine dollars a month.")
        try f.ingest()
        #expect(f.index.vectorConfiguration.parameters.m == 16)
        #expect(f.index.vectorConfiguration.graphThreshold == 20000)

        // New graph settings in ask.toml, and an ingest.toml that does not link.
        let pipelines = f.engine.config.pipelines
        try FileSystem.writeAtomically(pipelines + "/ask.toml", Array(Self.ask(m: 24, exactBelow: 5).utf8))
        try FileSystem.writeAtomically(pipelines + "/ingest.toml", Array("version = 1\n[[stage]]\nid = \"files\"\nkind = \"walk\"\nbogus = 1\n".utf8))
        do {
            try f.engine.reload()
            Issue.record("a reload with a broken ingest.toml succeeded")
        } catch let e as ServiceError {
            guard case let .pipeline(diagnostics, _) = e else { Issue.record("wrong error \(e)"); return }
            #expect(diagnostics.contains { $0.message.contains("unknown parameter 'bogus'") })
        }
        #expect(f.index.vectorConfiguration.parameters.m == 16, "a rejected reload must not touch the index")
        #expect(f.index.vectorConfiguration.graphThreshold == 20000)
        let a = try f.ask("What do parking permits cost?")
        #expect(a["answer"]?.stringValue?.contains("nine dollars") == true)

        // Fixed: the reload applies.
        try FileSystem.writeAtomically(pipelines + "/ingest.toml", try FileSystem.read(Paths.packageRoot + "/pipelines/ingest.toml"))
        try f.engine.reload()
        #expect(f.index.vectorConfiguration.parameters.m == 24)
        #expect(f.index.vectorConfiguration.graphThreshold == 5)
    }

    /// The same out-of-range value, in a pipeline file and in a plan sent to a worker, is refused
    /// with the same message.
    @Test func outOfRangeParametersAreRefusedIdenticallyInBothPlaces() throws {
        let catalog = StandardKinds.registry().catalog
        let toml = """
        version = 1
        [[stage]]
        id = "q"
        kind = "query"
        [[stage]]
        id = "local"
        kind = "answer.generate"
        in = ["q.text"]
        model = "m.gguf"
        passage_chars = -1
        seed = -1
        accept = 0.5
        """
        var fileMessages: [String] = []
        do { _ = try PipelineLoader.plan(bytes: Array(toml.utf8), path: "ask.toml", role: "ask", catalog: catalog) } catch let e as PipelineError {
            fileMessages = e.diagnostics.map(\.message)
        }
        let json: JSON = ["id": "local", "kind": "answer.generate", "accept": 0.5,
                          "parameters": ["model": "m.gguf", "passage_chars": -1, "seed": -1]]
        var planMessages: [String] = []
        do { _ = try PlanCodec.decode(json, catalog: WorkerKinds.registry().catalog) } catch let e as PipelineError {
            planMessages = e.diagnostics.map(\.message)
        }
        #expect(fileMessages.count == 2)
        #expect(fileMessages.sorted() == planMessages.sorted())
        #expect(fileMessages.contains("parameter 'passage_chars' must be in 100...8000, found -1"))
    }
}
