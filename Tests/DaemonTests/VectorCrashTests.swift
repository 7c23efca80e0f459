// kill -9 of nerved with vectors on (MiniLM weights needed; skipped without them). The vector
// files beside the database are a cache: after a kill they may be older than the database, and
// opening catches them up from the `chunk_vectors` rows. Checked here: every kill leaves an
// index whose vectors match its chunks (integrity check), and a file changed or deleted just
// before the kill never comes back from vector search after the restart.
import Index
import JSON
import Posix
import Stages
import Testing
import TestSupport
import Wire

@Suite(.serialized) struct VectorCrashTests {
    static let present = Paths.miniLMPresent(for: "VectorCrashTests")

    @Test(.enabled(if: present)) func killNineKeepsVectorsConsistentWithTheDatabase() throws {
        let dir = try Paths.temporaryDirectory("nerve-vcrash")
        defer { FileSystem.removeTree(dir) }
        let docs = dir + "/docs"
        try FileSystem.makeDirectories(docs)
        for i in 0..<260 {
            try FileSystem.writeAtomically(docs + "/doc\(i).md", Array("# Note \(i)\n\nWarehouse \(i % 17) shipped \(i * 3) crates of item \(i) on day \(i % 29).\n".utf8))
        }
        let sock = dir + "/n.sock"
        // A private copy: the local model's worker socket and model path resolve inside `dir`.
        let pipelines = try DaemonHarness.copyOfRepositoryPipelines(in: dir)
        let args = ["--socket", sock, "--index", dir + "/index", "--pipelines", pipelines, "--log-level", "error",
                    "--embedding-model", Paths.miniLM]
        func run(_ body: (WireClient) throws -> Void) throws -> Binaries.Running {
            let d = try Binaries.start("nerved", args)
            try Binaries.waitFor(socket: sock)
            let c = try WireClient(path: sock)
            defer { c.close() }
            try body(c)
            return d
        }

        // 1. A full ingest; 260 new vectors (≥ 256) are enough for the run to save the vector files.
        var d = try run { c in
            let r = try c.call("ingest", ["path": .string(docs)])
            #expect(r["embedded"] == 260)
        }
        #expect(FileSystem.exists(dir + "/index/" + VectorCollection.f32FileName))
        d.kill()

        // 2. Change one file, delete another, commit, and die before any save.
        try FileSystem.writeAtomically(docs + "/doc1.md", Array("# Note 1\n\nThe orchard harvested pears in autumn.\n".utf8))
        try FileSystem.remove(docs + "/doc2.md")
        d = try run { c in
            let r = try c.call("ingest", ["path": .string(docs)])
            #expect(r["changed"] == 1 && r["removed"] == 1)
        }
        d.kill()
        try? FileSystem.remove(sock)

        // 3. Reopened: the stale files are caught up, and nothing dead is found.
        let model = EmbeddingModel(directory: Paths.miniLM)
        do {
            let store = try IndexStore(directory: dir + "/index")
            #expect(store.vectorNotes.contains { $0.contains("caught up") && $0.contains("1 added, 2 removed") }, "\(store.vectorNotes)")
            #expect(try store.integrityProblems().isEmpty)
            for probe in ["Warehouse 1 shipped 3 crates of item 1 on day 1.", "Warehouse 2 shipped 6 crates of item 2 on day 2."] {
                let v = try model.embed([probe])[0]
                let hits = try store.read { try $0.searchVector(v, model: model.name, limit: 20) }
                #expect(hits.count == 20)
                #expect(!hits.contains { $0.text.contains("item 1 on") || $0.text.contains("item 2 on") })
                #expect(!hits.flatMap(\.documents).contains { $0.path.hasSuffix("/doc2.md") })
            }
            let pears = try store.read { try $0.searchVector(try model.embed(["pear harvest"])[0], model: model.name, limit: 1) }
            #expect(pears.first?.documents.first?.path == docs + "/doc1.md")
        }

        // 4. Kills in the middle of embedding a new folder: every state is consistent.
        let more = dir + "/more"
        try FileSystem.makeDirectories(more)
        for i in 0..<120 { try FileSystem.writeAtomically(more + "/m\(i).md", Array("# Memo \(i)\n\nBudget line \(i) rose by \(i % 13) percent.\n".utf8)) }
        var rng = SeededRandom(seed: 0x5EC7)
        for round in 0..<3 {
            let daemon = try Binaries.start("nerved", args)
            try Binaries.waitFor(socket: sock)
            let c = try WireClient(path: sock)
            try c.send(Request(id: .int(1), method: "ingest", params: ["path": .string(more)]).encoded())
            Threads.sleep(ms: Int.random(in: 200...1500, using: &rng))
            daemon.kill()
            c.close()
            try? FileSystem.remove(sock)
            let store = try IndexStore(directory: dir + "/index")
            let problems = try store.integrityProblems()
            #expect(problems.isEmpty, "round \(round): \(problems)")
            let s = try store.read { try $0.status() }
            #expect(s.vectors == s.chunks, "round \(round): every committed chunk has its vector")
        }
    }
}
