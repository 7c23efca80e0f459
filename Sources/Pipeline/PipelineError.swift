// The Pipeline module's one error type.
import Config

public enum PipelineError: Error, CustomStringConvertible, Sendable {
    /// The file (or a plan received over a socket) failed to parse or link; every diagnostic.
    case invalid(diagnostics: [Diagnostic])
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// A stage could not be bound to its resources.
    case bind(stage: String, kind: String, reason: String)
    /// This process has no kind of that name (a worker asked to run a kind it does not host).
    case unknownKind(kind: String, hosted: [String])
    /// A value on a port was missing, undeclared or of the wrong type.
    case port(stage: String, port: String, reason: String)
    /// A stage needed a request value its run did not provide.
    case missingContext(stage: String, key: String)
    /// The pipeline produced no answer (every answering stage failed or was skipped).
    case noAnswer(reasons: [String])
    /// A stage stood aside for this run because something it needs is not set up (a model file
    /// not installed, an API key not set): reported as skipped with `reason`, not as a failure.
    case skipped(stage: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(diags):
            let errors = diags.filter { $0.severity == .error }.count
            return diags.map(\.description).joined(separator: "\n") + "\n\(errors) error\(errors == 1 ? "" : "s")"
        case let .unreadable(path, reason): return "\(path): cannot read pipeline file: \(reason)"
        case let .bind(stage, kind, reason): return "stage '\(stage)' (\(kind)) cannot be set up: \(reason)"
        case let .unknownKind(kind, hosted):
            return "this process cannot run stages of kind '\(kind)' (it runs: \(hosted.joined(separator: ", ")))"
        case let .port(stage, port, reason): return "stage '\(stage)', port '\(port)': \(reason)"
        case let .missingContext(stage, key): return "stage '\(stage)' needs the request's '\(key)', which this run does not have"
        case let .noAnswer(reasons): return "no answering stage produced an answer: " + reasons.joined(separator: "; ")
        case let .skipped(_, reason): return reason
        }
    }

    /// The diagnostics, for `.invalid`.
    public var diagnostics: [Diagnostic] {
        if case let .invalid(d) = self { return d }
        return []
    }
}
