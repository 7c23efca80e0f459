// The Stages module's one error type: failures of the built-in stage kinds and the runners.
import JSON
public enum StagesError: Error, CustomStringConvertible, Sendable {
    /// The request lacked a value the pipeline's source needs (e.g. no question).
    case missingRequestValue(String)
    /// The index is not available to the stage.
    case noIndex(reason: String)
    /// An ingest root is not a folder we can walk.
    case badRoot(path: String, reason: String)
    /// A stage needs a model that is not configured or failed to load.
    case model(reason: String)
    /// A model file is not there (not installed yet).
    case modelMissing(path: String)
    /// An ingest was cancelled (shutdown).
    case cancelled
    /// An external command (extract.exec) failed.
    case command(command: String, reason: String)
    /// A stage's calibration does not fit it.
    case calibration(stage: String, reason: String)
    /// A stage's parameters do not fit together or with its inputs.
    case parameter(stage: String, reason: String)
    /// A model call would pass the daily budget.
    case budget(limit: Double, spent: Double, reserved: Double, needed: Double)

    public var description: String {
        switch self {
        case let .missingRequestValue(name): return "the request has no \(name)"
        case let .noIndex(reason): return "no index: \(reason)"
        case let .badRoot(path, reason): return "cannot ingest \(path): \(reason)"
        case let .model(reason): return "model unavailable: \(reason)"
        case let .modelMissing(path): return "the model file \(path) is not installed (scripts/fetch-models installs it)"
        case .cancelled: return "cancelled"
        case let .command(command, reason): return "\(command): \(reason)"
        case let .calibration(stage, reason): return "calibration for '\(stage)': \(reason)"
        case let .parameter(stage, reason): return "stage '\(stage)': \(reason)"
        case let .budget(limit, spent, reserved, needed):
            return "daily budget of $\(Decimals.fixed(limit, places: 4)) reached: $\(Decimals.fixed(spent, places: 4)) spent and $\(Decimals.fixed(reserved, places: 4)) reserved by calls in flight; this call may cost up to $\(Decimals.fixed(needed, places: 4))"
        }
    }
}
