// What an ingest run did, file by file where it matters: counts for the summary, and every file
// skipped or failed with its reason. Sent as the ingest reply and kept in the index's log.
import JSON

public struct IngestProblem: Sendable, Equatable {
    public var path: String
    /// "skipped" or "failed".
    public var status: String
    public var reason: String
}

public struct IngestReport: Sendable {
    public var root: String
    public var generation: Int64 = 0
    public var files = 0
    public var unchanged = 0
    public var added = 0
    public var changed = 0
    /// Paths pointed at content already indexed (renames and duplicates): no extraction.
    public var linked = 0
    /// Files whose bytes were unchanged although their stat changed (touched).
    public var touched = 0
    public var removed = 0
    public var skipped = 0
    public var failed = 0
    /// Files whose contents were read (unchanged files are decided by stat alone).
    public var contentReads = 0
    public var bytesRead: Int64 = 0
    public var chunks = 0
    /// Chunks embedded this run (new files, and contents back-filled with vectors).
    public var embedded = 0
    /// Time spent in the embedding model.
    public var embedMs: Double = 0
    /// Set when the index's vectors came from another model and were dropped for re-embedding.
    public var vectorsReset = false
    public var elapsedMs: Double = 0
    public var problems: [IngestProblem] = []
    public var cancelled = false

    public init(root: String) { self.root = root }

    public func json(maxProblems: Int = 200) -> JSON {
        var o = JSONObject()
        o["root"] = .string(root)
        o["generation"] = .int(generation)
        for (k, v) in [("files", files), ("unchanged", unchanged), ("added", added), ("changed", changed), ("linked", linked),
                       ("touched", touched), ("removed", removed), ("skipped", skipped), ("failed", failed),
                       ("content_reads", contentReads), ("chunks", chunks), ("embedded", embedded)] {
            o[k] = .int(Int64(v))
        }
        o["bytes_read"] = .int(bytesRead)
        o["elapsed_ms"] = .double(Decimals.rounded(elapsedMs, places: 1))
        o["embed_ms"] = .double(Decimals.rounded(embedMs, places: 1))
        if vectorsReset { o["vectors_reset"] = .bool(true) }
        o["cancelled"] = .bool(cancelled)
        o["problems"] = .array(problems.prefix(maxProblems).map {
            .object(JSONObject([("path", .string($0.path)), ("status", .string($0.status)), ("reason", .string($0.reason))]))
        })
        if problems.count > maxProblems { o["problems_truncated"] = .int(Int64(problems.count - maxProblems)) }
        return .object(o)
    }
}

/// A progress snapshot streamed while an ingest runs.
public struct IngestProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var bytesRead: Int64
    public var currentFile: String
    public var elapsedMs: Double

    public init(filesDone: Int, filesTotal: Int, bytesRead: Int64, currentFile: String, elapsedMs: Double) {
        self.filesDone = filesDone
        self.filesTotal = filesTotal
        self.bytesRead = bytesRead
        self.currentFile = currentFile
        self.elapsedMs = elapsedMs
    }

    public func json() -> JSONObject {
        let rate = elapsedMs > 0 ? Double(filesDone) / (elapsedMs / 1000) : 0
        let eta = rate > 0 ? Double(filesTotal - filesDone) / rate : 0
        return JSONObject([
            ("phase", "ingest"), ("files_done", .int(Int64(filesDone))), ("files_total", .int(Int64(filesTotal))),
            ("bytes", .int(bytesRead)), ("current", .string(currentFile)),
            ("rate", .double(Decimals.rounded(rate, places: 1))), ("eta_s", .double(Decimals.rounded(eta, places: 1))),
        ])
    }
}
