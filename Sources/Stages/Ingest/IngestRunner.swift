// Mirrors a folder into the index: walk (stat only), decide per file from the ledger, read and
// hash only what changed, link renames and duplicates to stored content, extract and chunk the
// rest through the ingest pipeline, then remove what disappeared. Each file commits on its own,
// so a crash loses at most the file in flight and a re-run resumes where it stopped.
import Corpus
import Index
import JSON
import Pipeline
import Posix

public final class IngestRunner: @unchecked Sendable {
    let env: StageEnvironment
    let pipeline: LinkedPipeline

    /// How long a batch of per-file changes may stay uncommitted.
    static let batchInterval = Duration.milliseconds(250)

    public init(env: StageEnvironment, pipeline: LinkedPipeline) {
        self.env = env
        self.pipeline = pipeline
    }

    /// The walk options declared by the pipeline's `walk` stage (defaults if it has none), with
    /// the file-size limit capped by the daemon's.
    var walkOptions: WalkOptions {
        var o = (pipeline.first(kind: "walk")?.stage as? WalkStage)?.options ?? WalkOptions()
        o.maxFileBytes = min(o.maxFileBytes, env.maxFileBytes)
        return o
    }

    /// Syncs the index with `root` (an absolute path to a folder or file). With `scope`, only
    /// those paths under the root are looked at (files, or folders walked recursively; paths
    /// that no longer exist are removed) — how file-change events are applied.
    /// - Throws: `StagesError.badRoot` when the root cannot be walked; index errors when the
    ///   database fails (the files committed so far stay committed).
    public func run(root: String, scope: [String]? = nil, progress: @escaping (IngestProgress) -> Void = { _ in },
                    shouldStop: @escaping () -> Bool = { false }) throws -> IngestReport {
        let start = ContinuousClock.now
        let startNs = WallClock.nanoseconds()
        var report = IngestReport(root: root)
        guard let st = try? FileSystem.status(root), st.kind == .directory || st.kind == .regular else {
            throw StagesError.badRoot(path: root, reason: FileSystem.exists(root) ? "not a folder or regular file" : "no such file or folder")
        }
        let options = walkOptions
        var files: [WalkedFile] = []
        var walkProblems: [WalkProblem] = []
        if let scope {
            for path in Set(scope) where path == root || path.hasPrefix(root + "/") {
                guard FileSystem.exists(path) else { continue }
                let rel = path == root ? "" : String(path.dropFirst(root.count + 1))
                let (f, p) = Walker.walk(root: path, options: options, relativePrefix: rel)
                files += f
                walkProblems += p
            }
            var seen = Set<String>()
            files = files.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
        } else {
            (files, walkProblems) = Walker.walk(root: root, options: options)
        }
        report.files = files.count
        for p in walkProblems { report.problems.append(IngestProblem(path: p.path, status: "skipped", reason: p.reason)) }

        let embedder = embedding
        try env.index.write { w in
            w.beginRun()
            if let embedder { report.vectorsReset = try Self.dropVectorsOfOtherModels(w, model: embedder.model.name) }
            let ledger = try w.ledger(root: root)
            var lastProgress = ContinuousClock.now
            var lastCommit = ContinuousClock.now
            try w.beginBatch()
            do {
                for (i, file) in files.enumerated() {
                    if shouldStop() { report.cancelled = true; break }
                    // The clock is read every 16 files: unchanged files cost about a microsecond each.
                    if i % 16 == 0, ContinuousClock.now - lastProgress > .milliseconds(200) {
                        lastProgress = .now
                        progress(IngestProgress(filesDone: i, filesTotal: files.count, bytesRead: report.bytesRead,
                                                currentFile: file.path, elapsedMs: (ContinuousClock.now - start).milliseconds))
                    }
                    try ingest(file, root: root, known: ledger[file.path], options: options, writer: w, report: &report)
                    // Commit often enough that answers see new files quickly and a crash costs
                    // little, rarely enough that commits do not dominate small files.
                    if i % 16 == 0, ContinuousClock.now - lastCommit > Self.batchInterval {
                        try w.commitBatch()
                        try w.beginBatch()
                        lastCommit = .now
                    }
                }
                if !report.cancelled {
                    // Removals come last so a renamed file can take over its old content first.
                    let present = Set(files.map(\.path))
                    let inScope: (String) -> Bool = { path in
                        guard let scope else { return true }
                        return scope.contains { path == $0 || path.hasPrefix($0 + "/") }
                    }
                    for path in ledger.keys.sorted() where !present.contains(path) && inScope(path) {
                        if try w.remove(path: path) { report.removed += 1 }
                    }
                    if let embedder { try backfill(w, embedder, report: &report, shouldStop: shouldStop) }
                }
                report.generation = try w.generation()
                report.elapsedMs = (ContinuousClock.now - start).milliseconds
                try w.logIngest(root: root, startedNs: startNs, finishedNs: WallClock.nanoseconds(), report: report.json().serialized())
                try w.commitBatch()
            } catch {
                w.rollbackBatch()
                throw error
            }
        }
        progress(IngestProgress(filesDone: files.count, filesTotal: files.count, bytesRead: report.bytesRead,
                                currentFile: "", elapsedMs: report.elapsedMs))
        saveVectors()
        return report
    }

    private func facts(_ f: WalkedFile, root: String) -> FileFacts {
        FileFacts(path: f.path, root: root, size: f.status.size, mtimeNs: f.status.mtimeNs, uid: f.status.uid,
                  gid: f.status.gid, mode: f.status.mode)
    }

    private func ingest(_ file: WalkedFile, root: String, known: LedgerStat?, options: WalkOptions, writer w: IndexWriter,
                        report: inout IngestReport) throws {
        var facts = facts(file, root: root)
        if let k = known, k.size == facts.size, k.mtimeNs == facts.mtimeNs {
            if k.uid == facts.uid && k.gid == facts.gid && k.mode == facts.mode {
                report.unchanged += 1
            } else {
                try w.touch(facts) // ownership or mode changed: access control must see it
                report.touched += 1
            }
            return
        }
        func record(_ status: LedgerStatus, _ reason: String, sha: String? = nil) throws {
            try w.markUnindexed(facts, status: status, reason: reason, extractor: nil, sha256: sha)
            report.problems.append(IngestProblem(path: file.path, status: status.rawValue, reason: reason))
            if status == .skipped { report.skipped += 1 } else { report.failed += 1 }
        }
        if facts.size > options.maxFileBytes {
            try record(.skipped, "file is \(facts.size) bytes; the limit is \(options.maxFileBytes)")
            return
        }
        if facts.size == 0 {
            try record(.skipped, "empty file")
            return
        }
        // Read, then stat again: a file that changed under us is read again (twice at most).
        var bytes: [UInt8] = []
        var stable = false
        for _ in 0..<3 {
            do { bytes = try FileSystem.read(file.path, limit: Int(options.maxFileBytes)) } catch {
                try record(.failed, "cannot read: \(error)")
                return
            }
            report.contentReads += 1
            report.bytesRead += Int64(bytes.count)
            guard let after = try? FileSystem.status(file.path) else {
                try record(.failed, "vanished while being read")
                return
            }
            if after.size == Int64(bytes.count) && after.mtimeNs == facts.mtimeNs { stable = true; break }
            facts.size = after.size
            facts.mtimeNs = after.mtimeNs
        }
        if !stable {
            try record(.failed, "changed while being read")
            return
        }
        var hasher = SHA256()
        hasher.update(bytes)
        let sha = Hex.encode(hasher.finalize())
        let previous = known == nil ? nil : try w.entry(path: file.path)
        if let k = previous, k.sha256 == sha, k.status == .indexed {
            try w.touch(facts)
            report.touched += 1
            return
        }
        if let content = try w.content(sha256: sha) {
            try w.link(facts, sha256: sha, contentID: content, extractor: previous?.extractor)
            report.linked += 1
            return
        }
        let sink = FileSink(writer: w, facts: facts, sha256: sha)
        let context = IngestContext(file: FileInput(path: file.path, bytes: bytes, facts: facts, sha256: sha, limits: env.decodeLimits), sink: sink)
        let result = Executor.run(pipeline, context: context)
        if let failure = result.reports.first(where: { $0.status == .failed }) {
            // Database failures are not the file's fault: surface them instead of marking the file.
            if let e = sink.error { throw e }
            let reason = failure.note ?? "\(failure.kind) failed"
            try record(Self.isPermanent(reason) ? .skipped : .failed, reason, sha: sha)
            return
        }
        guard let stored = sink.stored else {
            let reason = context.claim.taker == nil ? "no extract stage matches this file" : "no text extracted"
            try record(.skipped, reason, sha: sha)
            return
        }
        if known?.indexed == true { report.changed += 1 } else { report.added += 1 }
        report.chunks += stored
        if sink.embedded { report.embedded += stored }
        report.embedMs += result.reports.filter { $0.kind == "embed" }.reduce(0) { $0 + $1.ms }
    }

    /// Format problems will not go away on retry; read errors might.
    static func isPermanent(_ reason: String) -> Bool {
        !(reason.contains("cannot read") || reason.contains("changed while"))
    }
}

/// Receives one file's chunks from the index.write stage and commits them.
final class FileSink: IngestSink, @unchecked Sendable {
    let writer: IndexWriter
    let facts: FileFacts
    let sha256: String
    var stored: Int?
    /// Whether the stored chunks came with vectors.
    var embedded = false
    var error: Error?

    init(writer: IndexWriter, facts: FileFacts, sha256: String) {
        self.writer = writer
        self.facts = facts
        self.sha256 = sha256
    }

    func store(_ set: ChunkSet) throws {
        guard !set.chunks.isEmpty else { return }
        do {
            try writer.put(facts, sha256: sha256, extractor: set.extractor, title: set.title, chunks: set.chunks, vectors: set.vectors)
            stored = set.chunks.count
            embedded = set.vectors != nil
        } catch {
            self.error = error
            throw error
        }
    }
}

final class IngestContext: RunContext, @unchecked Sendable {
    let file: FileInput
    let sink: FileSink
    let claim = ExtractorClaim()

    init(file: FileInput, sink: FileSink) {
        self.file = file
        self.sink = sink
    }

    func value(_ key: String) -> (any Sendable)? {
        switch key {
        case ContextKey.file: return file
        case ContextKey.sink: return sink
        case "claim": return claim
        default: return nil
        }
    }

    func emit(_ event: String, _ payload: JSONObject) {}

    func callExternal(socket: String, request: JSONObject) throws -> JSON {
        throw StagesError.command(command: socket, reason: "external stages are not available during ingest yet")
    }
}
