// Every module's errors to the wire's stable codes, in one place, so a client can rely on
// ENOINDEX meaning the same thing whichever layer noticed it.
import Config
import Index
import JSON
import Pipeline
import Posix
import SQLite
import Stages
import Wire

enum ErrorMapping {
    static func wire(_ error: Error) -> WireError {
        switch error {
        case let e as WireError: return e
        case let e as StagesError:
            switch e {
            case .noIndex: return .failure(.ENOINDEX, e.description)
            case .badRoot: return .failure(.ENOENT, e.description)
            case .model: return .failure(.EMODEL, e.description)
            case .cancelled: return .failure(.ESHUTDOWN, e.description)
            case .missingRequestValue: return .failure(.EPARAMS, e.description)
            case .command: return .failure(.EIO, e.description)
            case .calibration, .parameter: return .failure(.EPIPELINE, e.description)
            }
        case let e as IndexError:
            switch e {
            case .missing, .newerVersion, .noFTS5: return .failure(.ENOINDEX, e.description)
            case .unknownPath: return .failure(.ENOENT, e.description)
            default: return .failure(.EIO, e.description)
            }
        case let e as PipelineError:
            var data = JSONObject()
            if !e.diagnostics.isEmpty { data["diagnostics"] = .array(e.diagnostics.map { .string($0.description) }) }
            return .failure(.EPIPELINE, e.description, data)
        case let e as PosixError:
            return .failure(e.errno == Errno.EACCES ? .EACCES : e.errno == Errno.ENOENT ? .ENOENT : .EIO, e.description)
        case let e as SQLiteError:
            return .failure(.EIO, e.description)
        default:
            return .failure(.EINTERNAL, "\(error)")
        }
    }
}
