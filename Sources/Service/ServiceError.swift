// The Service module's one error type. Every failure of the layers below (index, pipelines,
// stages, models) reaches the daemon as one of these cases, so the daemon maps a handful of
// cases to stable wire codes without knowing those layers.
import Config
import Index
import Pipeline
import Posix
import SQLite
import Stages

public enum ServiceError: Error, CustomStringConvertible, Sendable {
    /// Nothing is indexed yet, or the index cannot be used (missing, newer version, no FTS5).
    case noIndex(reason: String)
    /// A path the request names is not there (on disk or in the index).
    case notFound(reason: String)
    /// A model is not configured or failed.
    case model(reason: String)
    /// A pipeline file or plan is invalid; every diagnostic.
    case pipeline(diagnostics: [Diagnostic], message: String)
    /// The operating system refused access to a file.
    case accessDenied(reason: String)
    /// The request's values do not fit.
    case badRequest(reason: String)
    /// The daemon is shutting down.
    case shuttingDown(reason: String)
    /// Reading or writing failed (disk, database, a tool).
    case io(reason: String)
    /// The answer was produced and paid for, but could not be recorded in the query log.
    case queryLog(reason: String)
    /// Anything else.
    case internalError(reason: String)

    public var description: String {
        switch self {
        case let .noIndex(r), let .notFound(r), let .model(r), let .badRequest(r), let .accessDenied(r), let .shuttingDown(r), let .io(r),
             let .internalError(r):
            return r
        case let .pipeline(_, message): return message
        case let .queryLog(r): return "the answer could not be recorded in the query log (its cost is still counted against the budget): \(r)"
        }
    }

    /// `error` as a ServiceError.
    public static func from(_ error: Error) -> ServiceError {
        switch error {
        case let e as ServiceError: return e
        case let e as StagesError:
            switch e {
            case .noIndex: return .noIndex(reason: e.description)
            case .badRoot: return .notFound(reason: e.description)
            case .model, .modelMissing: return .model(reason: e.description)
            case .cancelled: return .shuttingDown(reason: e.description)
            case .missingRequestValue: return .badRequest(reason: e.description)
            case .command: return .io(reason: e.description)
            case .calibration, .parameter: return .pipeline(diagnostics: [], message: e.description)
            case .budget: return .model(reason: e.description)
            }
        case let e as IndexError:
            switch e {
            case .missing, .newerVersion, .noFTS5: return .noIndex(reason: e.description)
            case .unknownPath: return .notFound(reason: e.description)
            default: return .io(reason: e.description)
            }
        case let e as PipelineError:
            switch e {
            case let .invalid(d): return .pipeline(diagnostics: d, message: e.description)
            case .unreadable, .bind, .unknownKind: return .pipeline(diagnostics: [], message: e.description)
            case .port, .missingContext, .noAnswer: return .internalError(reason: e.description)
            // Only stage.run sees a skip, and it answers it as a result; anywhere else it means
            // the stage's resource is not set up.
            case .skipped: return .model(reason: e.description)
            }
        case let e as PosixError:
            if e.errno == Errno.EACCES { return .accessDenied(reason: e.description) }
            return e.errno == Errno.ENOENT ? .notFound(reason: e.description) : .io(reason: e.description)
        case let e as SQLiteError:
            return .io(reason: e.description)
        default:
            return .internalError(reason: "\(error)")
        }
    }
}
