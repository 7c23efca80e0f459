// The Client module's one error type: what the CLI reports before exiting non-zero.
import Wire

public enum ClientError: Error, CustomStringConvertible, Sendable {
    /// Bad command line; the message says how to get help.
    case usage(message: String, command: String?)
    /// The daemon or the transport failed.
    case wire(WireError)
    /// A local file could not be read.
    case file(path: String, reason: String)
    /// A line of a question file is not a well-formed question (`path:line: reason`).
    case questionLine(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .usage(message, command):
            return "\(message)\nRun 'nerve \(command.map { "\($0) " } ?? "")--help' for usage."
        case let .wire(e): return e.description
        case let .file(path, reason): return "\(path): \(reason)"
        case let .questionLine(path, line, reason): return "\(path):\(line): \(reason)"
        }
    }

    /// Exit codes: 2 usage, 3 daemon not running, 1 any other failure.
    public var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case let .wire(e):
            if case .daemonNotRunning = e { return 3 }
            return 1
        case .file, .questionLine: return 1
        }
    }
}
