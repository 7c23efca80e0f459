// The Swift side of scripts/bench/retrieval, gated by NERVE_BENCH_SQUAD_DIR (a folder written by
// scripts/lib/squad_corpus.py; skipped otherwise): ingests its docs with the repository's
// ingest.toml and the MiniLM model, then runs every answerable question through the default
// ask.toml and ranks the paragraphs each retrieval stage returned — BM25 (`bm25`), dense
// (`dense`) and hybrid (`fuse`) — against the paragraph holding the answer.
import Index
import JSON
import Posix
import Service
import Stages
import Testing
import TestSupport

@Suite struct RetrievalBenchmark {
    @Test func squadRetrieval() throws {
        guard let dir = Identity.environment("NERVE_BENCH_SQUAD_DIR") else { return }
        let f = try EngineFixture(embeddingModel: Paths.miniLM)
        let t0 = ContinuousClock.now
        let report = try f.ingest(dir + "/docs")
        print("retrieval-ingest: \(report.files) files, \(report.chunks) chunks, \(report.embedded) embedded in \((ContinuousClock.now - t0) / .seconds(1)) s (embedding \(report.embedMs / 1000) s)")
        #expect(report.embedded == report.chunks)

        let lines = String(decoding: try FileSystem.read(dir + "/questions.jsonl"), as: UTF8.self).split(separator: "\n")
        let stages = ["bm25", "dense", "fuse"]
        var ranks: [String: [Int?]] = [:]
        var count = 0
        var pairs: [(bm25: [Hit], dense: [Hit], gold: String)] = []
        let q0 = ContinuousClock.now
        for line in lines {
            let q = try JSON.parse(Array(line.utf8))
            guard q["unanswerable"]?.boolValue == false, let question = q["question"]?.stringValue, let gold = q["path"]?.stringValue else { continue }
            count += 1
            let lists = try f.engine.retrievalLists(question)
            pairs.append((lists["bm25"] ?? [], lists["dense"] ?? [], gold))
            for s in stages {
                let hits = lists[s] ?? []
                // Rank of the first hit from the gold paragraph (a paragraph is one file; chunks of
                // the same file count as the same paragraph).
                ranks[s, default: []].append(hits.firstIndex { $0.documents.contains { $0.path == gold } }.map { $0 + 1 })
            }
        }
        print("retrieval-questions: \(count) answerable in \((ContinuousClock.now - q0) / .seconds(1)) s")
        for s in stages {
            let r = ranks[s] ?? []
            let at1 = Double(r.filter { $0 == 1 }.count) / Double(max(count, 1))
            let at5 = Double(r.filter { ($0 ?? 99) <= 5 }.count) / Double(max(count, 1))
            let mrr = r.reduce(0.0) { $0 + ($1.map { 1 / Double($0) } ?? 0) } / Double(max(count, 1))
            print("retrieval: \(s) recall@1=\(at1) recall@5=\(at5) mrr=\(mrr)")
        }
        #expect(count > 0)
        guard Identity.environment("NERVE_BENCH_FUSE_SWEEP") != nil else { return }
        // fuse.rrf's k and the dense list's weight, on the same two lists.
        for k in [5.0, 10, 20, 30, 60, 100] {
            for w in [0.3, 0.5, 0.7, 0.85, 1.0] {
                let r = pairs.map { p in
                    RankFusion.reciprocal([(1, p.bm25), (w, p.dense)], k: k, topK: 20).firstIndex { $0.documents.contains { $0.path == p.gold } }.map { $0 + 1 }
                }
                let n = Double(max(r.count, 1))
                print("retrieval-sweep: k=\(k) dense_weight=\(w) recall@1=\(Double(r.filter { $0 == 1 }.count) / n) recall@5=\(Double(r.filter { ($0 ?? 99) <= 5 }.count) / n) mrr=\(r.reduce(0.0) { $0 + ($1.map { 1 / Double($0) } ?? 0) } / n)")
            }
        }
    }
}
