// The Wire module's one error type: what went wrong on the protocol, on either side.
import JSON
import Posix

public enum WireError: Error, CustomStringConvertible, Sendable {
    /// The daemon answered with a JSON-RPC error (client side) or a handler failed (server side).
    case rpc(code: ErrorCode, message: String, data: JSONObject)
    /// No daemon is listening at this path.
    case daemonNotRunning(path: String, reason: String)
    /// The connection failed or closed before the reply arrived.
    case connection(reason: String)
    /// The peer sent something that is not a valid frame.
    case malformedFrame(reason: String)

    public var description: String {
        switch self {
        case let .rpc(code, message, _): return "\(code.rawValue): \(message)"
        case let .daemonNotRunning(path, reason):
            return "nerved is not running at \(path) (\(reason)); start it with `nerved --socket \(path) --index DIR`"
        case let .connection(reason): return "connection to nerved failed: \(reason)"
        case let .malformedFrame(reason): return "malformed frame: \(reason)"
        }
    }

    /// A handler-side failure with a stable code.
    public static func failure(_ code: ErrorCode, _ message: String, _ data: JSONObject = JSONObject()) -> WireError {
        .rpc(code: code, message: message, data: data)
    }

    /// The symbolic code, for errors that came over the wire.
    public var code: ErrorCode? {
        if case let .rpc(code, _, _) = self { return code }
        return nil
    }
}
