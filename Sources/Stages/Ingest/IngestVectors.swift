// The ingest run's vector duties beyond the per-file `embed` stage: dropping vectors of another
// model (so they are re-embedded, never mixed), back-filling contents stored without vectors
// (by a lexical pipeline, before a model was installed, or by an older index), and saving the
// derived vector files once enough changed.
import Corpus
import Index
import Posix

extension IngestRunner {
    /// The pipeline's `embed` stage with a usable model, or nil (a lexical pipeline, no model).
    var embedding: (model: EmbeddingModel, batchSize: Int)? {
        guard let stage = pipeline.first(kind: "embed")?.stage as? EmbedStage,
              let model = env.embedding, model.isAvailable else { return nil }
        return (model, stage.batchSize)
    }

    /// Deletes every stored vector when they come from another model than `model`.
    /// - Returns: whether it did.
    static func dropVectorsOfOtherModels(_ w: IndexWriter, model: String) throws -> Bool {
        guard let stored = try w.vectorModel(), stored != model else { return false }
        try w.resetVectors()
        return true
    }

    /// Embeds every content that has chunks but no vectors, a few contents per transaction,
    /// committing as the main loop does. Stops early when asked to.
    func backfill(_ w: IndexWriter, _ e: (model: EmbeddingModel, batchSize: Int), report: inout IngestReport,
                  shouldStop: () -> Bool) throws {
        var tried = Set<Int64>()
        var lastCommit = ContinuousClock.now
        while !shouldStop() {
            let batch = try w.contentsMissingVectors(limit: 16).filter { !tried.contains($0.content) }
            if batch.isEmpty { return }
            for (content, chunks) in batch {
                tried.insert(content)
                let start = ContinuousClock.now
                let vectors = try e.model.embed(chunks.map { EmbeddingModel.passage(Chunk(ordinal: $0.ordinal, text: $0.text, headingPath: $0.headingPath, span: SourceSpan()), title: $0.title) },
                                                batchSize: e.batchSize)
                report.embedMs += (ContinuousClock.now - start).milliseconds
                try w.putVectors(content: content, ChunkVectors(model: e.model.name, vectors: vectors))
                report.embedded += chunks.count
                if shouldStop() { report.cancelled = true; return }
            }
            if ContinuousClock.now - lastCommit > Self.batchInterval {
                try w.commitBatch()
                try w.beginBatch()
                lastCommit = .now
            }
        }
    }

    /// Saves the vector files when the changes since the last save would make the next start-up's
    /// catch-up noticeable: 2% of the vectors, at least 256 and at most 5,000 changes. A failed
    /// save is logged, not fatal: the files are a cache of the database's vectors.
    func saveVectors() {
        let count = env.index.vectorStatus.count
        do { try env.index.saveVectors(minChanges: Swift.min(5000, Swift.max(256, count / 50))) } catch {
            env.log("vector files not saved: \(error)")
        }
    }
}
