// The daemon's two pipelines, loaded and linked together so a check reports both files' problems
// at once; a reload builds a new set and swaps it in only when both link.
import Config
import Pipeline
import Posix
import Stages

public struct PipelineSet: Sendable {
    public let ask: LinkedPipeline
    public let ingest: LinkedPipeline

    public static func paths(in dir: String) -> (ask: String, ingest: String) {
        (dir + "/ask.toml", dir + "/ingest.toml")
    }

    /// Loads `ask.toml` and `ingest.toml` from `dir`.
    /// - Throws: `PipelineError.invalid` with the diagnostics of both files.
    public static func load(dir: String, registry: Registry) throws -> PipelineSet {
        let (askPath, ingestPath) = paths(in: dir)
        var diagnostics: [Diagnostic] = []
        var ask: LinkedPipeline?
        var ingest: LinkedPipeline?
        for (path, role) in [(askPath, "ask"), (ingestPath, "ingest")] {
            do {
                let p = try PipelineLoader.load(path: path, role: role, registry: registry)
                if role == "ask" { ask = p } else { ingest = p }
            } catch let e as PipelineError {
                switch e {
                case let .invalid(d): diagnostics += d
                default: diagnostics.append(Diagnostic(.error, file: path, at: nil, e.description))
                }
            }
        }
        guard let ask, let ingest else { throw PipelineError.invalid(diagnostics: diagnostics) }
        return PipelineSet(ask: ask, ingest: ingest)
    }

    public var warnings: [Diagnostic] { ask.warnings + ingest.warnings }
}

/// The pipelines currently serving; readers take a snapshot, reload swaps atomically.
final class CurrentPipelines: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var set: PipelineSet

    init(_ set: PipelineSet) { self.set = set }

    var snapshot: PipelineSet { lock.withLock { set } }
    func replace(_ s: PipelineSet) { lock.withLock { set = s } }
}
