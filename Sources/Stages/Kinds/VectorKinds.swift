// The semantic-retrieval kinds: `embed` (ingest: chunks → chunks with vectors), `embed.query`
// (ask: question → vector), `search.vector` (vector → hits, exact scan or HNSW) and `fuse.rrf`
// (reciprocal rank fusion of several hit lists, with per-input weights).
import Config
import Corpus
import Index
import Pipeline

enum VectorKinds {
    static func register(into r: Registry, _ env: StageEnvironment) {
        r.register(StageKind(
            name: "embed", summary: "embed each chunk with the daemon's embedding model (embedding_model in etc/nerved.toml)",
            pipelines: ["ingest"], role: .transform,
            parameters: [ParameterSpec("batch_size", .integer(1...256), default: .integer(32), "chunks per forward pass")],
            inputs: [InputSpec("chunks", Port.chunks)],
            outputs: [OutputSpec("chunks", Port.chunks)],
            make: { cfg in EmbedStage(env: env, batchSize: cfg.int("batch_size")) }))

        r.register(StageKind(
            name: "embed.query", summary: "embed the question with the daemon's embedding model", pipelines: ["ask"], role: .transform,
            inputs: [InputSpec("question", Port.text)],
            outputs: [OutputSpec("vector", Port.vector)],
            make: { _ in QueryEmbedStage(env: env) }))

        r.register(StageKind(
            name: "search.vector", summary: "nearest chunks by cosine similarity (exact scan, or HNSW for large indexes)",
            pipelines: ["ask"], role: .transform,
            parameters: [
                ParameterSpec("top_k", .integer(1...1000), default: .integer(20), "hits to return"),
                ParameterSpec("ef", .integer(1...4096), default: .integer(64), "HNSW search candidate list (larger: more exact, slower)"),
                ParameterSpec("m", .integer(2...128), default: .integer(16), "HNSW links per node (the graph is rebuilt when it changes)"),
                ParameterSpec("ef_construction", .integer(8...4096), default: .integer(200), "HNSW candidate list while building"),
                ParameterSpec("exact_below", .integer(1...1_000_000_000), default: .integer(20_000),
                              "below this many vectors every search is an exact scan (no graph)"),
            ],
            inputs: [InputSpec("vector", Port.vector)],
            outputs: [OutputSpec("hits", Port.hits)],
            make: { cfg in
                env.index.configureVectors(parameters: HNSWParameters(m: cfg.int("m"), efConstruction: cfg.int("ef_construction")),
                                           graphThreshold: cfg.int("exact_below"))
                return VectorSearchStage(env: env, topK: cfg.int("top_k"), ef: cfg.int("ef"))
            }))

        r.register(StageKind(
            name: "fuse.rrf", summary: "reciprocal rank fusion of hit lists: score = Σ weight / (k + rank)", pipelines: ["ask"],
            role: .transform,
            parameters: [
                ParameterSpec("k", .integer(1...100_000), default: .integer(60), "rank offset (Cormack et al. 2009 use 60)"),
                ParameterSpec("weights", .floats(0...1000), default: .floats([]), "one weight per `in` entry, in order (default: all 1)"),
                ParameterSpec("top_k", .integer(1...1000), default: .integer(20), "hits to return"),
            ],
            inputs: [InputSpec("hits", Port.hits, many: true)],
            outputs: [OutputSpec("hits", Port.hits)],
            make: { cfg in
                let w = cfg.floats("weights")
                guard w.isEmpty || w.count == cfg.references.count else {
                    throw StagesError.parameter(stage: cfg.id, reason: "'weights' has \(w.count) entries for \(cfg.references.count) inputs; give one per `in` entry")
                }
                let weights = Dictionary(zip(cfg.references, w.isEmpty ? Array(repeating: 1, count: cfg.references.count) : w),
                                         uniquingKeysWith: { a, _ in a })
                return RRFStage(k: Double(cfg.int("k")), weights: weights, topK: cfg.int("top_k"))
            }))
    }
}

/// Embeds a file's chunks. Without a usable model the chunks pass through unembedded (stored
/// for lexical search; the next ingest with a model back-fills their vectors).
struct EmbedStage: Stage {
    let env: StageEnvironment
    let batchSize: Int

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard var set = inputs.one("chunks", as: ChunkSet.self) else { return [:] }
        guard let model = env.embedding, model.isAvailable, !set.chunks.isEmpty else { return ["chunks": set] }
        let vectors = try model.embed(set.chunks.map { EmbeddingModel.passage($0, title: set.title) }, batchSize: batchSize)
        set.vectors = ChunkVectors(model: model.name, vectors: vectors)
        return ["chunks": set]
    }
}

struct QueryEmbedStage: Stage {
    let env: StageEnvironment

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let q = inputs.one("question", as: String.self) else { return [:] }
        guard let model = env.embedding else {
            throw StagesError.model(reason: "no embedding model is configured (embedding_model in etc/nerved.toml)")
        }
        guard let v = try model.embed([q]).first else { return [:] }
        return ["vector": QueryVector(model: model.name, values: v)]
    }
}

struct VectorSearchStage: Stage {
    let env: StageEnvironment
    let topK: Int
    let ef: Int

    /// Vectors of another model than the query's fail the stage (the index says which to re-ingest with).
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let q = inputs.one("vector", as: QueryVector.self) else { return [:] }
        let viewer = context.value(ContextKey.viewer) as? Viewer
        let hits = try env.index.read { try $0.searchVector(q.values, model: q.model, limit: topK, ef: ef, viewer: viewer) }
        return ["hits": hits]
    }
}

/// Fuses hit lists for `fuse.rrf`. With only one non-empty list (the other search failed or the
/// index has no vectors) that list passes through with its own scores, so a lexical-only index
/// answers exactly as with BM25 alone.
struct RRFStage: Stage {
    let k: Double
    /// Weight per `stage.output` reference.
    let weights: [String: Double]
    let topK: Int

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let lists = inputs.sourced("hits", as: [Hit].self).filter { !$0.value.isEmpty }
        if lists.count <= 1 { return ["hits": Array((lists.first?.value ?? []).prefix(topK))] }
        return ["hits": RankFusion.reciprocal(lists.map { (weights[$0.source ?? ""] ?? 1, $0.value) }, k: k, topK: topK)]
    }
}

public enum RankFusion {
    /// Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each list votes
    /// `weight / (k + rank)` for each of its hits (rank from 1); hits are merged by chunk id and
    /// carry the summed votes as their score, best first. Equal scores keep first-seen order
    /// (earlier lists, then higher ranks, win).
    public static func reciprocal(_ lists: [(weight: Double, hits: [Hit])], k: Double, topK: Int) -> [Hit] {
        var fused: [Int64: (hit: Hit, score: Double, firstSeen: Int)] = [:]
        var order = 0
        for (weight, hits) in lists {
            for (rank, h) in hits.enumerated() {
                let vote = weight / (k + Double(rank + 1))
                if let e = fused[h.chunkID] {
                    fused[h.chunkID] = (e.hit, e.score + vote, e.firstSeen)
                } else {
                    fused[h.chunkID] = (h, vote, order)
                    order += 1
                }
            }
        }
        return fused.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.firstSeen < $1.firstSeen }
            .prefix(topK).map { e in
                var h = e.hit
                h.score = e.score
                return h
            }
    }
}
