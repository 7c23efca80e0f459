// The semantic-retrieval kinds: `embed` (ingest: chunks → chunks with vectors), `embed.query`
// (ask: question → vector), `search.vector` (vector → hits, exact scan or HNSW) and `fuse.rrf`
// (reciprocal rank fusion of several hit lists, with per-input weights).
import Config
import Corpus
import Index
import Pipeline

enum VectorKinds {
    static func register(into r: Registry<StageResources>) {
        r.register(Kind(
            name: "embed", summary: "embed each chunk with the daemon's embedding model (embedding_model in etc/nerved.toml)",
            pipelines: ["ingest"], role: .transform,
            parameters: [ParameterSpec("batch_size", .integer(1...256), default: .integer(32), "chunks per forward pass")],
            inputs: [InputSpec("chunks", Ports.chunks)],
            outputs: [OutputSpec("chunks", Ports.chunks)],
            bind: { plan, res in EmbedStage(id: plan.id, model: res.embedding, batchSize: plan.int("batch_size")) }))

        r.register(Kind(
            name: "embed.query", summary: "embed the question with the daemon's embedding model", pipelines: ["ask"], role: .transform,
            inputs: [InputSpec("question", Ports.text)],
            outputs: [OutputSpec("vector", Ports.vector)],
            bind: { _, res in QueryEmbedStage(model: res.embedding) }))

        r.register(Kind(
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
            inputs: [InputSpec("vector", Ports.vector)],
            outputs: [OutputSpec("hits", Ports.hits)],
            bind: { plan, res in
                VectorSearchStage(id: plan.id, index: try res.requireIndex(plan), topK: plan.int("top_k"), ef: plan.int("ef"),
                                  graph: HNSWParameters(m: plan.int("m"), efConstruction: plan.int("ef_construction")),
                                  exactBelow: plan.int("exact_below"))
            }))

        r.register(Kind(
            name: "fuse.rrf", summary: "reciprocal rank fusion of hit lists: score = Σ weight / (k + rank)", pipelines: ["ask"],
            role: .transform,
            parameters: [
                ParameterSpec("k", .integer(1...100_000), default: .integer(60), "rank offset (Cormack et al. 2009 use 60)"),
                ParameterSpec("weights", .floats(0...1000), default: .floats([]), "one weight per `in` entry, in order (default: all 1)"),
                ParameterSpec("top_k", .integer(1...1000), default: .integer(20), "hits to return"),
            ],
            inputs: [InputSpec("hits", Ports.hits, .many)],
            outputs: [OutputSpec("hits", Ports.hits)],
            check: { plan in
                let w = plan.floats("weights")
                return w.isEmpty || w.count == plan.references.count ? []
                    : ["'weights' has \(w.count) entries for \(plan.references.count) inputs; give one per `in` entry"]
            },
            bind: { plan, _ in
                let w = plan.floats("weights")
                let weights = Dictionary(zip(plan.references, w.isEmpty ? Array(repeating: 1, count: plan.references.count) : w),
                                         uniquingKeysWith: { a, _ in a })
                return RRFStage(k: Double(plan.int("k")), weights: weights, topK: plan.int("top_k"))
            }))
    }
}

/// Embeds a file's chunks. Without a usable model the chunks pass through unembedded (stored for
/// lexical search). Around a run it keeps the index's vectors whole: first it drops vectors of
/// another model (they are re-embedded, never mixed), last it back-fills every stored content
/// without vectors, with the same `embed` the per-file path uses.
struct EmbedStage: RunLifecycle {
    let id: String
    let model: EmbeddingModel?
    let batchSize: Int

    var usable: EmbeddingModel? { model.flatMap { $0.isAvailable ? $0 : nil } }

    /// Unit vectors for `chunks` of a document titled `title`; the time spent goes to the report.
    func embed(_ chunks: [Chunk], title: String?, model: EmbeddingModel, session: IngestSession?) throws -> ChunkVectors {
        let start = ContinuousClock.now
        let vectors = try model.embed(chunks.map { EmbeddingModel.passage($0, title: title) }, batchSize: batchSize)
        session?.report.embedMs += (ContinuousClock.now - start).milliseconds
        return ChunkVectors(model: model.name, vectors: vectors)
    }

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        var set = try inputs.one("chunks", Ports.chunks)
        if let model = usable, !set.chunks.isEmpty {
            set.vectors = try embed(set.chunks, title: set.title, model: model, session: context.value(RequestKeys.ingest))
        }
        return StageOutputs("chunks", Ports.chunks, set)
    }

    func begin(_ context: RunContext) throws {
        guard let model = usable else { return }
        let session = try context.require(RequestKeys.ingest, for: id)
        if let stored = try session.writer.vectorModel(), stored != model.name {
            try session.writer.resetVectors()
            session.report.vectorsReset = true
        }
    }

    /// Embeds every content that has chunks but no vectors (stored by a lexical pipeline, before
    /// the model was installed, or by an older index), a few contents per transaction.
    func finish(_ context: RunContext) throws {
        guard let model = usable else { return }
        let session = try context.require(RequestKeys.ingest, for: id)
        guard !session.report.cancelled else { return }
        var tried = Set<Int64>()
        while !session.shouldStop() {
            let batch = try session.writer.contentsMissingVectors(limit: 16).filter { !tried.contains($0.content) }
            if batch.isEmpty { return }
            for (content, stored) in batch {
                tried.insert(content)
                let chunks = stored.map { Chunk(ordinal: $0.ordinal, text: $0.text, headingPath: $0.headingPath, span: SourceSpan()) }
                try session.writer.putVectors(content: content, try embed(chunks, title: stored.first?.title, model: model, session: session))
                session.report.embedded += stored.count
                if session.shouldStop() { session.report.cancelled = true; return }
            }
            try session.commitIfDue()
        }
    }
}

struct QueryEmbedStage: ContextFreeStage {
    let model: EmbeddingModel?

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let q = try inputs.one("question", Ports.text)
        guard let model else {
            throw StagesError.model(reason: "no embedding model is configured (embedding_model in etc/nerved.toml)")
        }
        return StageOutputs("vector", Ports.vector, QueryVector(model: model.name, values: try model.embedQuery(q)))
    }
}

/// Searches the index's vectors. Its graph parameters are the index's: they are applied when the
/// pipeline is installed (never while a reload is still being checked).
struct VectorSearchStage: Installing {
    let id: String
    let index: IndexStore
    let topK: Int
    let ef: Int
    let graph: HNSWParameters
    let exactBelow: Int

    func install() {
        index.configureVectors(parameters: graph, graphThreshold: exactBelow)
    }

    /// Vectors of another model than the query's fail the stage (the index says which to re-ingest with).
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let q = try inputs.one("vector", Ports.vector)
        let snapshot = try context.require(RequestKeys.snapshot, for: id)
        let hits = try snapshot.searchVector(q.values, model: q.model, limit: topK, ef: ef, viewer: context.value(RequestKeys.viewer)).map { h in
            var h = h
            h.signals["dense"] = h.score
            return h
        }
        return StageOutputs("hits", Ports.hits, hits)
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
        let lists = try inputs.all("hits", Ports.hits).filter { !$0.value.isEmpty }
        if lists.count <= 1 { return StageOutputs("hits", Ports.hits, Array((lists.first?.value ?? []).prefix(topK))) }
        return StageOutputs("hits", Ports.hits, RankFusion.reciprocal(lists.map { (weights[$0.source] ?? 1, $0.value) }, k: k, topK: topK))
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
                if var e = fused[h.chunkID] {
                    e.hit.signals.merge(h.signals) { a, _ in a }
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
