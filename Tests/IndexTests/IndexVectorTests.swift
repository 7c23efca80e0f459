// Vectors inside the index: stored with their chunks in one transaction, searched through the
// derived vector index, and never returned once the file that held them is replaced, deleted or
// skipped — with the graph and with exact scans. After a simulated crash (files saved earlier,
// changes since) and with corrupt files, opening catches up from SQLite; a v1 index migrates.
import Corpus
import Index
import Posix
import Testing
import TestSupport

@Suite struct IndexVectorTests {
    static let model = "test-embedder"
    static let dimension = 16

    final class Fixture {
        let dir: String
        var store: IndexStore
        var index: String { dir + "/index" }
        init(graphThreshold: Int = 20_000) throws {
            dir = try Paths.temporaryDirectory()
            store = try IndexStore(directory: dir + "/index")
            store.configureVectors(parameters: HNSWParameters(m: 8, efConstruction: 64), graphThreshold: graphThreshold)
        }
        deinit { FileSystem.removeTree(dir) }

        /// Reopens the index as a restarted daemon would (the old store is dropped unsaved).
        func reopen(graphThreshold: Int = 20_000) throws {
            store = try IndexStore(directory: index)
            store.configureVectors(parameters: HNSWParameters(m: 8, efConstruction: 64), graphThreshold: graphThreshold)
        }

        func facts(_ path: String, mtime: Int64 = 1) -> FileFacts {
            FileFacts(path: path, root: "/docs", size: 10, mtimeNs: mtime, uid: 1000, gid: 1000, mode: 0o644)
        }

        func chunks(_ texts: [String]) -> [Chunk] {
            texts.enumerated().map { Chunk(ordinal: $0, text: $1, headingPath: "", span: SourceSpan(lineStart: $0 + 1, lineEnd: $0 + 1)) }
        }

        /// Stores `path` with one chunk per text, each embedded as `vector(seed)`.
        func put(_ path: String, _ texts: [String], seeds: [UInt64], sha: String, mtime: Int64 = 1) throws {
            try store.write { w in
                w.beginRun()
                try w.put(facts(path, mtime: mtime), sha256: sha, extractor: "x", title: nil, chunks: chunks(texts),
                          vectors: ChunkVectors(model: IndexVectorTests.model, vectors: seeds.map(IndexVectorTests.vector)))
            }
        }

        func search(_ seed: UInt64, limit: Int = 5, mode: VectorSearchMode = .automatic) throws -> [Hit] {
            try store.read { try $0.searchVector(IndexVectorTests.vector(seed), model: IndexVectorTests.model, limit: limit, mode: mode) }
        }
    }

    /// A reproducible random unit vector per seed (nearly orthogonal to the others at 16-d).
    static func vector(_ seed: UInt64) -> [Float] {
        var r = VectorRandom(seed &* 7919 &+ 17)
        return (0..<dimension).map { _ in r.gaussian() }
    }

    static let modes: [(threshold: Int, mode: VectorSearchMode)] = [(20_000, .automatic), (1, .automatic), (1, .approximate), (20_000, .exactQuantized)]

    @Test(arguments: modes)
    func searchFollowsTheLedger(_ threshold: Int, _ mode: VectorSearchMode) throws {
        let f = try Fixture(graphThreshold: threshold)
        try f.put("/docs/a.md", ["alpha one", "alpha two"], seeds: [1, 2], sha: "a1")
        try f.put("/docs/b.md", ["bravo"], seeds: [3], sha: "b1")
        try f.put("/docs/c.md", ["charlie"], seeds: [4], sha: "c1")
        for i in 0..<20 { try f.put("/docs/filler\(i).md", ["filler \(i)"], seeds: [1000 + UInt64(i)], sha: "f\(i)") }
        try f.store.checkIntegrity()
        #expect(try f.search(1, mode: mode).first?.text == "alpha one")
        #expect(try f.search(3, mode: mode).first?.documents.map(\.path) == ["/docs/b.md"])
        let oldIDs = Set(try f.search(1, limit: 30, mode: .exact).filter { $0.text.hasPrefix("alpha") || $0.text == "bravo" }.map(\.chunkID))
        #expect(oldIDs.count == 3)

        // Change a.md (new content, new vectors), delete b.md, mark c.md failed.
        try f.put("/docs/a.md", ["alpha replaced"], seeds: [5], sha: "a2", mtime: 2)
        try f.store.write { w in
            w.beginRun()
            #expect(try w.remove(path: "/docs/b.md"))
            try w.markUnindexed(f.facts("/docs/c.md", mtime: 3), status: .failed, reason: "unreadable", extractor: nil, sha256: nil)
        }
        try f.store.checkIntegrity()
        for seed: UInt64 in [1, 2, 3, 4] {
            let hits = try f.search(seed, limit: 30, mode: mode)
            #expect(hits.allSatisfy { !oldIDs.contains($0.chunkID) && !["alpha one", "alpha two", "bravo", "charlie"].contains($0.text) })
            #expect(hits.count == 21)   // 20 fillers + the replacement: everything live, nothing dead
        }
        #expect(try f.search(5, mode: mode).first?.text == "alpha replaced")
        #expect(try f.store.read { try $0.status() }.vectors == 21)
    }

    @Test func sharedContentKeepsItsVectorsUntilTheLastPathGoes() throws {
        let f = try Fixture()
        try f.put("/docs/a.md", ["same words"], seeds: [7], sha: "same")
        try f.store.write { w in
            w.beginRun()
            let id = try #require(try w.content(sha256: "same"))
            try w.link(f.facts("/docs/copy.md"), sha256: "same", contentID: id, extractor: "x")
            _ = try w.remove(path: "/docs/a.md")
        }
        #expect(try f.search(7).first?.documents.map(\.path) == ["/docs/copy.md"])
        try f.store.write { w in w.beginRun(); _ = try w.remove(path: "/docs/copy.md") }
        try f.store.checkIntegrity()
        #expect(try f.search(7).isEmpty)
    }

    @Test func contentStoredWithoutVectorsGetsThemLater() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md"), sha256: "lex", extractor: "x", title: nil, chunks: f.chunks(["one", "two"]))
        }
        #expect(try f.search(1).isEmpty)
        let missing = try f.store.write { try $0.contentsMissingVectors(limit: 10) }
        #expect(missing.count == 1 && missing.first?.chunks.map(\.text) == ["one", "two"])
        let content = try #require(missing.first?.content)
        try f.store.write { w in
            w.beginRun()
            try w.putVectors(content: content, ChunkVectors(model: Self.model, vectors: [Self.vector(1), Self.vector(2)]))
        }
        try f.store.checkIntegrity()
        #expect(try f.search(2).first?.text == "two")
        #expect(try f.store.write { try $0.contentsMissingVectors(limit: 10) }.isEmpty)
    }

    @Test func vectorsOfAnotherModelOrShapeAreRefusedWhole() throws {
        let f = try Fixture()
        try f.put("/docs/a.md", ["first"], seeds: [1], sha: "a")
        #expect(throws: IndexError.self) {
            try f.store.write { w in
                w.beginRun()
                try w.put(f.facts("/docs/b.md"), sha256: "b", extractor: "x", title: nil, chunks: f.chunks(["other"]),
                          vectors: ChunkVectors(model: "another-model", vectors: [Self.vector(2)]))
            }
        }
        #expect(throws: IndexError.self) {
            try f.store.write { w in
                w.beginRun()
                try w.put(f.facts("/docs/c.md"), sha256: "c", extractor: "x", title: nil, chunks: f.chunks(["short"]),
                          vectors: ChunkVectors(model: Self.model, vectors: [[1, 2, 3]]))
            }
        }
        #expect(throws: IndexError.self) { try f.store.read { try $0.searchVector(Self.vector(1), model: "another-model", limit: 3) } }
        try f.store.checkIntegrity()
        let s = try f.store.read { try $0.status() }
        #expect(s.documents == 1 && s.vectors == 1 && s.vectorModel == Self.model)
    }

    /// The files are saved at one state, more changes commit, and the process "dies" (the store
    /// is dropped without saving). Reopening must return exactly what SQLite holds.
    @Test(arguments: [20_000, 1])
    func reopeningAfterACrashCatchesUpFromTheDatabase(_ threshold: Int) throws {
        let f = try Fixture(graphThreshold: threshold)
        for i in 0..<30 { try f.put("/docs/\(i).md", ["doc \(i)"], seeds: [UInt64(i)], sha: "s\(i)") }
        try f.store.saveVectors()
        #expect(FileSystem.exists(f.index + "/" + VectorCollection.f32FileName))
        try f.put("/docs/3.md", ["doc 3 new"], seeds: [103], sha: "s3b", mtime: 2)
        try f.store.write { w in w.beginRun(); _ = try w.remove(path: "/docs/4.md") }
        try f.put("/docs/new.md", ["brand new"], seeds: [200], sha: "n")
        try f.reopen(graphThreshold: threshold)
        #expect(f.store.vectorNotes.contains { $0.contains("caught up") && $0.contains("2 added, 2 removed") })
        try f.store.checkIntegrity()
        #expect(try f.search(3, limit: 40).allSatisfy { $0.text != "doc 3" && $0.text != "doc 4" })
        #expect(try f.search(103).first?.text == "doc 3 new")
        #expect(try f.search(200).first?.text == "brand new")
        #expect(try f.search(0, limit: 40).count == 30)
        // Saved again, the next open has nothing to catch up.
        try f.store.saveVectors()
        try f.reopen(graphThreshold: threshold)
        #expect(!f.store.vectorNotes.contains { $0.contains("caught up") })
        #expect(f.store.vectorStatus.count == 30)
    }

    @Test(arguments: [VectorCollection.f32FileName, VectorCollection.i8FileName, VectorCollection.graphFileName])
    func corruptFilesAreRebuiltFromTheDatabase(_ name: String) throws {
        let f = try Fixture(graphThreshold: 1)
        for i in 0..<40 { try f.put("/docs/\(i).md", ["doc \(i)"], seeds: [UInt64(i)], sha: "s\(i)") }
        f.store.configureVectors(parameters: HNSWParameters(m: 8, efConstruction: 64), graphThreshold: 1)
        try f.store.saveVectors()
        let path = f.index + "/" + name
        var bytes = try FileSystem.read(path)
        bytes[bytes.count - 3] ^= 0x5A
        bytes[70] ^= 0x11
        try FileSystem.writeAtomically(path, bytes)
        try f.reopen(graphThreshold: 1)
        #expect(!f.store.vectorNotes.isEmpty)
        try f.store.checkIntegrity()
        #expect(try f.search(17).first?.text == "doc 17")
        #expect(f.store.vectorStatus.count == 40)
    }

    @Test func aVersion1IndexIsMigratedWithItsChunks() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try IndexStore.createDatabase(directory: dir, schemaVersion: 1)
        try SQLiteHelper.execute(dir + "/nerve.sqlite", """
            INSERT INTO contents(id, sha256, extractor, title, bytes, chunk_count) VALUES (1, 'v1sha', 'x', NULL, 5, 1);
            INSERT INTO documents(path, root, size, mtime_ns, sha256, uid, gid, mode, extractor, status, content_id, generation, updated_ns)
                VALUES ('/docs/old.md', '/docs', 5, 1, 'v1sha', 0, 0, 420, 'x', 'indexed', 1, 1, 1);
            INSERT INTO chunks(id, content_id, ordinal, text, heading, hash) VALUES (7, 1, 0, 'platypus from version one', '', 'h');
            """)
        let store = try IndexStore(directory: dir)
        try store.checkIntegrity()
        #expect(try store.read { try $0.searchLexical("platypus", limit: 3) }.first?.chunkID == 7)
        try store.write { w in
            w.beginRun()
            try w.put(FileFacts(path: "/docs/new.md", root: "/docs", size: 1, mtimeNs: 1, uid: 0, gid: 0, mode: 0o644), sha256: "n",
                      extractor: "x", title: nil, chunks: [Chunk(ordinal: 0, text: "echidna", headingPath: "", span: SourceSpan())],
                      vectors: ChunkVectors(model: Self.model, vectors: [Self.vector(9)]))
        }
        try store.checkIntegrity()
        let hit = try #require(try store.read { try $0.searchVector(Self.vector(9), limit: 1) }.first)
        #expect(hit.text == "echidna" && hit.chunkID > 7)
        #expect(try store.write { try $0.contentsMissingVectors(limit: 5) }.first?.chunks.map(\.id) == [7])
    }
}
