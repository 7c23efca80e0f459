// The Pipeline module's one error type.
import Config
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    /// The file failed to parse or link; every diagnostic is included.
    case invalid(diagnostics: [Diagnostic])
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// A stage failed while running.
    case stageFailed(stage: String, kind: String, reason: String)
    /// The pipeline produced no answer (every answering stage failed or was skipped).
    case noAnswer(reasons: [String])

    public var description: String {
        switch self {
        case let .invalid(diags):
            let errors = diags.filter { $0.severity == .error }.count
            return diags.map(\.description).joined(separator: "\n") + "\n\(errors) error\(errors == 1 ? "" : "s")"
        case let .unreadable(path, reason): return "\(path): cannot read pipeline file: \(reason)"
        case let .stageFailed(stage, kind, reason): return "stage '\(stage)' (\(kind)) failed: \(reason)"
        case let .noAnswer(reasons): return "no answering stage produced an answer: " + reasons.joined(separator: "; ")
        }
    }

    /// The diagnostics, for `.invalid`.
    public var diagnostics: [Diagnostic] {
        if case let .invalid(d) = self { return d }
        return []
    }
}
