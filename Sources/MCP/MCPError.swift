// The MCP module's one error type: a message this server refuses, as the JSON-RPC error it
// becomes on the wire. Tool failures are not errors here: they are results with isError.
import JSON

public enum MCPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The line is not JSON (-32700).
    case parse(reason: String)
    /// Not a valid JSON-RPC 2.0 message, or not acceptable at this point of the session (-32600).
    case invalidRequest(reason: String)
    /// No such method in the protocol revision this connection speaks (-32601).
    case methodNotFound(method: String, available: [String])
    /// Parameters missing, of the wrong type, or naming something that does not exist (-32602).
    case invalidParams(reason: String)
    /// The request names a revision this server does not serve (-32022, revision 2026-07-28).
    case unsupportedVersion(requested: String, supported: [String], reason: String)

    /// The JSON-RPC `error.code`.
    public var code: Int {
        switch self {
        case .parse: return -32700
        case .invalidRequest: return -32600
        case .methodNotFound: return -32601
        case .invalidParams: return -32602
        case .unsupportedVersion: return -32022
        }
    }

    public var description: String {
        switch self {
        case let .parse(reason): return "Parse error: \(reason)"
        case let .invalidRequest(reason): return "Invalid request: \(reason)"
        case let .methodNotFound(method, available):
            return "Method not found: '\(method)' (this connection serves: \(available.joined(separator: ", ")))"
        case let .invalidParams(reason): return "Invalid params: \(reason)"
        case let .unsupportedVersion(requested, supported, reason):
            return "Unsupported protocol version '\(requested)': \(reason) (supported: \(supported.joined(separator: ", ")))"
        }
    }

    /// The JSON-RPC `error.data`, where the revision defines one.
    public var data: JSON? {
        switch self {
        case let .unsupportedVersion(requested, supported, _):
            return .object(JSONObject([("supported", .array(supported.map(JSON.string))), ("requested", .string(requested))]))
        case let .methodNotFound(method, _):
            return .string(method)
        default:
            return nil
        }
    }
}
