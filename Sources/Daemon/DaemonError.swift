// The Daemon module's one error type: why nerved could not start or serve.
import Config

public enum DaemonError: Error, CustomStringConvertible, Sendable {
    /// nerved.toml or a flag is invalid; every diagnostic is included.
    case config(diagnostics: [Diagnostic])
    /// A pipeline file is invalid or cannot be bound; the diagnostics as text.
    case pipeline(report: String)
    /// Another nerved holds the index.
    case indexLocked(path: String, holder: String?)
    /// The socket could not be created.
    case socket(path: String, reason: String)
    /// The index could not be opened.
    case index(reason: String)

    public var description: String {
        switch self {
        case let .config(diags): return diags.map(\.description).joined(separator: "\n")
        case let .pipeline(report): return report
        case let .indexLocked(path, holder):
            return "the index is in use by another nerved (\(holder ?? "unknown pid")): lock \(path)"
        case let .socket(path, reason): return "cannot listen on \(path): \(reason)"
        case let .index(reason): return "cannot open the index: \(reason)"
        }
    }

    /// The process exit status for this failure (sysexits.h): 78 for configuration errors.
    public var exitCode: Int32 {
        switch self {
        case .config, .pipeline: return 78
        case .indexLocked: return 75
        case .socket, .index: return 74
        }
    }
}
