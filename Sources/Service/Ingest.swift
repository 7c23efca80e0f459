// Mirroring a folder: the ingest pipeline's source yields the files, the index writer admits the
// ones that changed, the rest of the pipeline runs per admitted file, and the stages' run hooks
// bracket the whole (the writer removes what vanished, the embedder back-fills). This file owns
// what is not any stage's: the write transaction and its batches, progress, cancellation, and
// the ingest log entry. Each file commits within a batch of its own time, so a crash loses at
// most the batch in flight and a re-run resumes where it stopped.
import Index
import JSON
import Pipeline
import Posix
import Stages

/// What an ingest did, for the daemon's log line and the reply.
public struct IngestSummary: Sendable {
    /// The whole report (counts, problems), for tools and tests.
    public let report: IngestReport
    /// The reply: the ingest report as JSON.
    public let json: JSON
    public let files: Int
    public let added: Int
    public let changed: Int
    public let linked: Int
    public let removed: Int
    public let skipped: Int
    public let failed: Int
    public let generation: Int64

    init(_ r: IngestReport) {
        report = r
        json = r.json()
        files = r.files
        added = r.added
        changed = r.changed
        linked = r.linked
        removed = r.removed
        skipped = r.skipped
        failed = r.failed
        generation = r.generation
    }
}

final class IngestContext: RunContext, @unchecked Sendable {
    let session: IngestSession
    init(session: IngestSession) { self.session = session }
    func value<V>(_ key: ContextKey<V>) -> V? { key.name == RequestKeys.ingest.name ? session as? V : nil }
    func emit(_ event: String, _ payload: JSONObject) {}
}

extension Engine {
    /// Syncs the index with `root` (an absolute path to a folder or file). With `scope`, only
    /// those paths under the root are looked at (files, or folders walked recursively; paths that
    /// no longer exist are removed) — how file-change events are applied.
    /// - Parameter progress: called about every 200 ms with a progress notification's fields.
    /// - Throws: `ServiceError.notFound` when the root cannot be walked; `.io` when the database
    ///   fails (the batches committed so far stay committed); `.pipeline` when the ingest
    ///   pipeline lacks its source or writer.
    public func ingest(root: String, scope: [String]? = nil, progress: @escaping (JSONObject) -> Void = { _ in },
                       shouldStop: @escaping () -> Bool = { false }) throws -> IngestSummary {
        let start = ContinuousClock.now
        let startNs = WallClock.nanoseconds()
        guard let st = try? FileSystem.status(root), st.kind == .directory || st.kind == .regular else {
            throw ServiceError.from(StagesError.badRoot(path: root, reason: FileSystem.exists(root) ? "not a folder or regular file" : "no such file or folder"))
        }
        let p = pipelines.ingest
        guard let (sourceIndex, source) = p.stages.enumerated().lazy.compactMap({ i, s in (s as? any ProducingStage).map { (i, $0) } }).first,
              let sink = p.stages.lazy.compactMap({ $0 as? any AdmittingStage }).first else {
            throw ServiceError.pipeline(diagnostics: [], message: "the ingest pipeline needs a source that yields files (walk) and a writer that admits them (index.write)")
        }
        let lifecycle = p.stages(as: (any RunLifecycle).self)
        var report: IngestReport?
        do {
            try store.write { w in
                w.beginRun()
                let session = IngestSession(writer: w, root: root, scope: scope, limits: resources.decodeLimits, shouldStop: shouldStop)
                let context = IngestContext(session: session)
                var lastProgress = ContinuousClock.now
                func tick(force: Bool = false) {
                    guard force || ContinuousClock.now - lastProgress > .milliseconds(200) else { return }
                    lastProgress = .now
                    progress(IngestProgress(filesDone: session.filesDone, filesTotal: session.filesTotal, bytesRead: session.report.bytesRead,
                                            currentFile: session.currentFile, elapsedMs: (ContinuousClock.now - start).milliseconds).json())
                }
                try w.beginBatch()
                do {
                    for (_, s) in lifecycle { try s.begin(context) }
                    try source.produce(context) { item in
                        if session.filesDone % 16 == 0 { tick() }
                        guard let admitted = try sink.admit(item, context) else { return }
                        session.currentFile = admitted.first(Ports.file)?.path ?? ""
                        let result = Executor.run(p, context: context, seeds: [sourceIndex: admitted])
                        try sink.complete(admitted, result, context)
                        try session.commitIfDue()
                    }
                    // Reverse order: the writer removes vanished files before the embedder back-fills.
                    for (_, s) in lifecycle.reversed() { try s.finish(context) }
                    session.report.generation = try w.generation()
                    session.report.elapsedMs = (ContinuousClock.now - start).milliseconds
                    _ = try w.logIngest(root: root, startedNs: startNs, finishedNs: WallClock.nanoseconds(),
                                        report: session.report.json().serialized())
                    try w.commitBatch()
                } catch {
                    w.rollbackBatch()
                    throw error
                }
                session.currentFile = ""
                tick(force: true)
                report = session.report
            }
        } catch { throw ServiceError.from(error) }
        saveVectorsIfWorthIt()
        guard let report else { throw ServiceError.internalError(reason: "ingest produced no report") }
        return IngestSummary(report)
    }

    /// Saves the vector files when the changes since the last save would make the next start-up's
    /// catch-up noticeable: 2% of the vectors, at least 256 and at most 5,000 changes. A failed
    /// save is logged, not fatal: the files are a cache of the database's vectors.
    func saveVectorsIfWorthIt() {
        let count = store.vectorStatus.count
        do { try store.saveVectors(minChanges: Swift.min(5000, Swift.max(256, count / 50))) } catch {
            resources.log("vector files not saved: \(error)")
        }
    }

    /// Removes `path` (a file, or a folder's files) from the index.
    /// - Returns: the files removed and the new generation.
    /// - Throws: `ServiceError.notFound` when nothing under `path` is indexed.
    public func forget(path: String) throws -> (removed: Int, generation: Int64) {
        do {
            let paths = try store.read { try $0.paths(under: path) }
            guard !paths.isEmpty else { throw ServiceError.notFound(reason: "forget: \(path) is not in the index") }
            let generation = try store.write { w in
                w.beginRun()
                for p in paths { try w.remove(path: p) }
                return try w.generation()
            }
            return (paths.count, generation)
        } catch { throw ServiceError.from(error) }
    }
}
