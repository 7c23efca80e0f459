// Failures to the wire's stable codes, in one place, so a client can rely on ENOINDEX meaning the
// same thing whichever layer noticed it. Everything below the application layer arrives as a
// ServiceError; the daemon maps its few cases and nothing else.
import JSON
import Posix
import Service
import Wire

enum ErrorMapping {
    static func wire(_ error: Error) -> WireError {
        switch error {
        case let e as WireError: return e
        case let e as ServiceError:
            switch e {
            case .noIndex: return .failure(.ENOINDEX, e.description)
            case .notFound: return .failure(.ENOENT, e.description)
            case .model: return .failure(.EMODEL, e.description)
            case let .pipeline(diagnostics, _):
                var data = JSONObject()
                if !diagnostics.isEmpty { data["diagnostics"] = .array(diagnostics.map { .string($0.description) }) }
                return .failure(.EPIPELINE, e.description, data)
            case .badRequest: return .failure(.EPARAMS, e.description)
            case .accessDenied: return .failure(.EACCES, e.description)
            case .shuttingDown: return .failure(.ESHUTDOWN, e.description)
            case .io, .queryLog: return .failure(.EIO, e.description)
            case .internalError: return .failure(.EINTERNAL, e.description)
            }
        case let e as PosixError:
            return .failure(e.errno == Errno.EACCES ? .EACCES : e.errno == Errno.ENOENT ? .ENOENT : .EIO, e.description)
        default:
            return .failure(.EINTERNAL, "\(error)")
        }
    }
}
