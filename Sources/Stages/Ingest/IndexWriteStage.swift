// index.write: the stage that makes the index mirror the folder. Before a file's extraction it
// compares the file with the ledger (unchanged files cost a stat; a changed stat with the same
// bytes is a touch; bytes already stored elsewhere are linked: renames and duplicates), reading
// and hashing only what may have changed. It stores each extracted file's chunks atomically,
// records why a file was skipped or failed, and at the end of the run removes what vanished.
import Corpus
import Index
import Pipeline
import Posix

struct IndexWriteStage: AdmittingStage, RunLifecycle {
    let id: String

    func begin(_ context: RunContext) throws {
        let session = try context.require(RequestKeys.ingest, for: id)
        session.ledger = try session.writer.ledger(root: session.root)
    }

    func admit(_ item: StageOutputs, _ context: RunContext) throws -> StageOutputs? {
        let session = try context.require(RequestKeys.ingest, for: id)
        guard var file = item.first(Ports.file) else { return nil }
        session.seen.insert(file.path)
        session.inFlight = nil
        let w = session.writer
        let known = session.ledger[file.path]
        var facts = file.facts
        if let k = known, k.size == facts.size, k.mtimeNs == facts.mtimeNs {
            if k.uid == facts.uid && k.gid == facts.gid && k.mode == facts.mode {
                session.report.unchanged += 1
            } else {
                try w.touch(facts) // ownership or mode changed: access control must see it
                session.report.touched += 1
            }
            return nil
        }
        if facts.size > file.readLimit {
            try record(session, facts, .skipped, "file is \(facts.size) bytes; the limit is \(file.readLimit)")
            return nil
        }
        if facts.size == 0 {
            try record(session, facts, .skipped, "empty file")
            return nil
        }
        // Read, then stat again: a file that changed under us is read again (twice at most).
        var bytes: [UInt8] = []
        var stable = false
        for _ in 0..<3 {
            do { bytes = try FileSystem.read(file.path, limit: Int(file.readLimit)) } catch {
                try record(session, facts, .failed, "cannot read: \(error)")
                return nil
            }
            session.report.contentReads += 1
            session.report.bytesRead += Int64(bytes.count)
            guard let after = try? FileSystem.status(file.path) else {
                try record(session, facts, .failed, "vanished while being read")
                return nil
            }
            if after.size == Int64(bytes.count) && after.mtimeNs == facts.mtimeNs { stable = true; break }
            facts.size = after.size
            facts.mtimeNs = after.mtimeNs
        }
        if !stable {
            try record(session, facts, .failed, "changed while being read")
            return nil
        }
        var hasher = SHA256()
        hasher.update(bytes)
        let sha = Hex.encode(hasher.finalize())
        let previous = known == nil ? nil : try w.entry(path: file.path)
        if let p = previous, p.sha256 == sha, p.status == .indexed {
            try w.touch(facts)
            session.report.touched += 1
            return nil
        }
        if let content = try w.content(sha256: sha) {
            try w.link(facts, sha256: sha, contentID: content, extractor: previous?.extractor)
            session.report.linked += 1
            return nil
        }
        file.facts = facts
        file.bytes = bytes
        file.sha256 = sha
        file.isLoaded = true
        session.inFlight = FileInFlight(facts: facts, sha256: sha, wasIndexed: known?.indexed == true)
        return StageOutputs("file", Ports.file, file)
    }

    /// Stores the file's chunks in one transaction with its ledger entry.
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let set = try inputs.one("chunks", Ports.chunks)
        let session = try context.require(RequestKeys.ingest, for: id)
        guard var f = session.inFlight else { throw StagesError.parameter(stage: id, reason: "no admitted file to store") }
        guard !set.chunks.isEmpty else { return StageOutputs() }
        do {
            try session.writer.put(f.facts, sha256: f.sha256, extractor: set.extractor, title: set.title, chunks: set.chunks,
                                   vectors: set.vectors)
            f.stored = set.chunks.count
            f.embedded = set.vectors != nil
        } catch {
            f.error = error
            session.inFlight = f
            throw error
        }
        session.inFlight = f
        return StageOutputs()
    }

    func complete(_ item: StageOutputs, _ result: RunResult, _ context: RunContext) throws {
        let session = try context.require(RequestKeys.ingest, for: id)
        guard let f = session.inFlight else { return }
        session.inFlight = nil
        if let failure = result.reports.first(where: { $0.status == .failed }) {
            // Database failures are not the file's fault: the run fails instead of marking the file.
            if let e = f.error { throw e }
            let reason = failure.note ?? "\(failure.kind) failed"
            try record(session, f.facts, Self.isPermanent(reason) ? .skipped : .failed, reason, sha: f.sha256)
            return
        }
        guard let stored = f.stored else {
            let extracted = result.outputs.values.contains { $0.first(Ports.document) != nil }
            try record(session, f.facts, .skipped, extracted ? "no text extracted" : "no extract stage matches this file", sha: f.sha256)
            return
        }
        if f.wasIndexed { session.report.changed += 1 } else { session.report.added += 1 }
        session.report.chunks += stored
        if f.embedded { session.report.embedded += stored }
    }

    /// Removes what was in the ledger under the run's scope but was not walked. Runs before the
    /// embed stage's back-fill (finish hooks run in reverse order), so no vanished file is embedded.
    func finish(_ context: RunContext) throws {
        let session = try context.require(RequestKeys.ingest, for: id)
        guard !session.report.cancelled else { return }
        for path in session.ledger.keys.sorted() where !session.seen.contains(path) && session.inScope(path) {
            if try session.writer.remove(path: path) { session.report.removed += 1 }
        }
    }

    private func record(_ session: IngestSession, _ facts: FileFacts, _ status: LedgerStatus, _ reason: String, sha: String? = nil) throws {
        try session.writer.markUnindexed(facts, status: status, reason: reason, extractor: nil, sha256: sha)
        session.report.problems.append(IngestProblem(path: facts.path, status: status.rawValue, reason: reason))
        if status == .skipped { session.report.skipped += 1 } else { session.report.failed += 1 }
    }

    /// Format problems will not go away on retry; read errors might.
    static func isPermanent(_ reason: String) -> Bool {
        !(reason.contains("cannot read") || reason.contains("changed while"))
    }
}
