// Hybrid retrieval stages: reciprocal rank fusion arithmetic and its parameter checks (no model
// needed), then — with the MiniLM weights installed, skipped otherwise — ingest with `embed`
// (vectors stored per chunk, back-filled for contents stored lexically, re-embedded when the
// model changes) and the default hybrid ask route finding a paraphrase BM25 cannot.
import Config
import Corpus
import Index
import JSON
import Pipeline
import Posix
import Service
import Stages
import Testing
import TestSupport

@Suite struct RankFusionTests {
    static func hits(_ ids: [Int64]) -> [Hit] {
        ids.map { Hit(chunkID: $0, contentID: $0, ordinal: 0, text: "chunk \($0)", headingPath: "", span: SourceSpan(), hash: "",
                      score: 100 - Double($0), documents: []) }
    }

    @Test func votesAreWeightOverKPlusRank() {
        let fused = RankFusion.reciprocal([(1, Self.hits([1, 2, 3])), (1, Self.hits([3, 4, 1]))], k: 60, topK: 10)
        #expect(fused.map(\.chunkID) == [1, 3, 2, 4])
        // 1: 1/61 + 1/63; 3: 1/63 + 1/61 — equal, first seen wins; 2: 1/62; 4: 1/62 (list 2 later).
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 63)) < 1e-12)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-12)
    }

    @Test func weightsTiltTheVote() {
        let lists = [(weight: 1.0, hits: Self.hits([1, 2])), (weight: 3.0, hits: Self.hits([2, 5]))]
        #expect(RankFusion.reciprocal(lists, k: 60, topK: 10).map(\.chunkID) == [2, 5, 1])
        #expect(RankFusion.reciprocal(lists, k: 60, topK: 2).count == 2)
        let zero = [(weight: 1.0, hits: Self.hits([1, 2])), (weight: 0.0, hits: Self.hits([9]))]
        #expect(RankFusion.reciprocal(zero, k: 60, topK: 10).last?.score == 0)
    }

    static func askPipeline(_ fuse: String) -> String {
        """
        version = 1
        [[stage]]
        id = "q"
        kind = "query"
        [[stage]]
        id = "bm25"
        kind = "search.bm25"
        in = ["q.text"]
        [[stage]]
        id = "v"
        kind = "embed.query"
        in = ["q.text"]
        [[stage]]
        id = "dense"
        kind = "search.vector"
        in = ["v.vector"]
        [[stage]]
        id = "fuse"
        kind = "fuse.rrf"
        in = ["bm25.hits", "dense.hits"]
        \(fuse)
        [[stage]]
        id = "extract"
        kind = "answer.extract"
        in = ["q.text", "fuse.hits"]
        accept = 0.5
        """
    }

    func link(_ text: String) throws -> PipelinePlan {
        try PipelineLoader.plan(bytes: Array(text.utf8), path: "ask.toml", role: "ask", catalog: StandardKinds.registry().catalog)
    }

    @Test func weightsMustPairWithInputsAndBeNumbers() throws {
        #expect(throws: Never.self) { try link(Self.askPipeline("weights = [1.0, 0.5]\nk = 10")) }
        do {
            _ = try link(Self.askPipeline("weights = [1.0, 0.5, 2]"))
            Issue.record("three weights for two inputs linked")
        } catch {
            #expect("\(error)".contains("'weights' has 3 entries for 2 inputs"))
        }
        do {
            _ = try link(Self.askPipeline("weights = [1.0, \"heavy\"]"))
            Issue.record("a string weight was accepted")
        } catch {
            #expect("\(error)".contains("must be an array of numbers, found an element of type string"))
        }
        do {
            _ = try link(Self.askPipeline("weights = [-1.0, 1.0]"))
            Issue.record("a negative weight was accepted")
        } catch {
            #expect("\(error)".contains("elements of parameter 'weights' must be in 0.0...1000.0, found -1.0"))
        }
    }
}

@Suite(.serialized) struct HybridIngestTests {
    static let present = Paths.miniLMPresent(for: "HybridIngestTests")
    static let model = EmbeddingModel(directory: Paths.miniLM)

    final class Fixture {
        let dir: String
        let root: String
        private var engines: [String: Engine] = [:]
        init() throws {
            dir = try Paths.temporaryDirectory()
            root = dir + "/docs"
            try FileSystem.makeDirectories(root)
        }
        deinit { FileSystem.removeTree(dir) }

        func write(_ rel: String, _ text: String) throws { try FileSystem.writeAtomically(root + "/" + rel, Array(text.utf8)) }

        /// An engine on the fixture's index with the repository's pipelines (or its ingest.toml
        /// minus the embed stage), embedding with `model`.
        func engine(lexical: Bool = false, model: String = Paths.miniLM) throws -> Engine {
            let key = "\(lexical)|\(model)"
            if let e = engines[key] { return e }
            var ingest = String(decoding: try FileSystem.read(Paths.packageRoot + "/pipelines/ingest.toml"), as: UTF8.self)
            if lexical {
                // Drop the embed stage (a pipeline with one does back-fill) and write the chunks directly.
                let parts = ingest.split(separator: "[[stage]]", omittingEmptySubsequences: false)
                ingest = parts.filter { !$0.contains("kind = \"embed\"") }.joined(separator: "[[stage]]")
                ingest = ingest.replacing("in = [\"embed.chunks\"]", with: "in = [\"chunk.chunks\"]")
            }
            let pipelines = dir + "/pipelines-\(engines.count)"
            // Retrieval and extraction only: the local and frontier stages need a worker and a
            // key, which an engine without a daemon has neither of (LocalRouteTests cover them).
            try Paths.copyRepositoryPipelines(to: pipelines) { name, text in
                name == "ingest.toml" ? ingest : text.split(separator: "[[stage]]", omittingEmptySubsequences: false)
                    .filter { !$0.contains("kind = \"answer.generate\"") && !$0.contains("kind = \"answer.frontier\"") }
                    .joined(separator: "[[stage]]")
            }
            let e = try Engine(config: EngineConfig(index: dir + "/index", pipelines: pipelines, embeddingModel: model))
            engines[key] = e
            return e
        }

        func ingest(lexical: Bool = false, model: String = Paths.miniLM) throws -> IngestReport {
            let e = try engine(lexical: lexical, model: model)
            let r = try e.ingest(root: root).report
            try e.index.checkIntegrity()
            return r
        }

        var index: IndexStore { get throws { try engine().index } }

        func ask(_ question: String) throws -> JSON { try engine().ask(question, asker: nil) }

        func nearest(_ text: String, limit: Int = 10) throws -> [Hit] {
            let v = try HybridIngestTests.model.embed([text])[0]
            return try index.read { try $0.searchVector(v, model: HybridIngestTests.model.name, limit: limit) }
        }
    }

    static let docs = [
        "remote.md": "# Working from home\n\nEmployees may work remotely two days per week with their manager's approval.\n",
        "kitchen.md": "# Office kitchen\n\nPlease empty the dishwasher when it has finished its cycle.\n",
        "parking.md": "# Parking\n\nThe garage under the building has forty spaces, assigned by seniority.\n",
    ]

    @Test(.enabled(if: present)) func chunksAreEmbeddedAndAParaphraseIsFound() throws {
        let f = try Fixture()
        for (k, v) in Self.docs { try f.write(k, v) }
        let r = try f.ingest()
        #expect(r.added == 3 && r.embedded == r.chunks && r.chunks >= 3)
        let s = try f.index.read { try $0.status() }
        #expect(s.vectors == s.chunks && s.vectorModel == "all-MiniLM-L6-v2")
        // No word in common with the passage: only the vector search can find it.
        let question = "How often can staff telecommute?"
        #expect(try f.index.read { try $0.searchLexical(question, limit: 5) }.isEmpty)
        let a = try f.ask(question)
        let stages = a["stages"]?.arrayValue ?? []
        #expect(stages.map { $0["status"]?.stringValue } == ["ran", "ran", "ran", "ran", "ran", "ran"])
        let cited = a["citations"]?[0]?["path"]?.stringValue ?? a["passages"]?[0]?["citation"]?["path"]?.stringValue
        #expect(cited == f.root + "/remote.md")
    }

    @Test(.enabled(if: present)) func changedAndDeletedFilesNeverComeBackFromVectorSearch() throws {
        let f = try Fixture()
        for (k, v) in Self.docs { try f.write(k, v) }
        _ = try f.ingest()
        let oldRemote = try f.nearest("Employees may work remotely two days per week").first
        #expect(oldRemote?.documents.first?.path == f.root + "/remote.md")
        try f.write("remote.md", "# Working from home\n\nRemote work is no longer offered; everyone works on site.\n")
        try FileSystem.remove(f.root + "/parking.md")
        let r = try f.ingest()
        #expect(r.changed == 1 && r.removed == 1)
        for probe in ["Employees may work remotely two days per week", "The garage has forty parking spaces"] {
            let hits = try f.nearest(probe)
            #expect(hits.count == 2)
            #expect(!hits.contains { $0.chunkID == oldRemote?.chunkID })
            #expect(!hits.contains { $0.text.contains("two days per week") || $0.text.contains("garage") })
            #expect(!hits.flatMap(\.documents).contains { $0.path.hasSuffix("parking.md") })
        }
    }

    @Test(.enabled(if: present)) func contentsStoredLexicallyAreBackFilledWithoutRereading() throws {
        let f = try Fixture()
        for (k, v) in Self.docs { try f.write(k, v) }
        let lexical = try f.ingest(lexical: true)
        let before = try f.index.read { try $0.status() }
        #expect(lexical.embedded == 0 && before.vectors == 0)
        let second = try f.ingest()
        #expect(second.contentReads == 0 && second.unchanged == 3)
        #expect(second.embedded == lexical.chunks)
        #expect(try f.index.read { try $0.status() }.vectors == lexical.chunks)
    }

    @Test(.enabled(if: present)) func anotherModelReEmbedsEverything() throws {
        let f = try Fixture()
        for (k, v) in Self.docs { try f.write(k, v) }
        let first = try f.ingest()
        // The same weights under another folder name count as another model.
        let alias = f.dir + "/minilm-alias"
        try FileSystem.symlink(target: Paths.miniLM, at: alias)
        let r = try f.ingest(model: alias)
        #expect(r.vectorsReset && r.embedded == first.chunks)
        let s = try f.engine(model: alias).index.read { try $0.status() }
        #expect(s.vectorModel == "minilm-alias" && s.vectors == s.chunks)
    }
}
