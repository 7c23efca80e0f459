// JSON-RPC 2.0 frames: one JSON object per line. Decoding checks the envelope (version, id type,
// method, params shape) and says precisely what was wrong; encoding never emits a raw newline.
import JSON

/// A decoded request; `id` is nil for notifications.
public struct Request: Sendable {
    public let id: JSON?
    public let method: String
    /// Always an object (absent params become `{}`); positional arrays are rejected.
    public let params: JSONObject

    public init(id: JSON?, method: String, params: JSONObject = JSONObject()) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// The request as a wire line (without the newline).
    public func encoded() -> String {
        var o = JSONObject()
        o["jsonrpc"] = "2.0"
        if let id { o["id"] = id }
        o["method"] = .string(method)
        o["params"] = .object(params)
        return JSON.object(o).serialized()
    }
}

/// A request line that could not be decoded, with the id when it was readable.
public struct FrameError: Error, Sendable {
    public let id: JSON?
    public let error: WireError
}

public enum Frame {
    /// Decodes one request line. On failure the returned error carries the id when it could be
    /// read, so the error reply can still be matched by the client.
    public static func decodeRequest(_ line: [UInt8]) -> Result<Request, FrameError> {
        let value: JSON
        do {
            value = try JSON.parse(line)
        } catch {
            return .failure(FrameError(id: nil, error: .failure(.EPROTO, "request is not valid JSON: \(error)")))
        }
        guard case let .object(o) = value else {
            return .failure(FrameError(id: nil, error: .failure(.EPROTO, "request must be a JSON object, found \(value.typeName)")))
        }
        let id = o["id"]
        if let id {
            switch id {
            case .string, .int, .null: break
            default:
                return .failure(FrameError(id: nil, error: .failure(.EPROTO, "request id must be a string or an integer, found \(id.typeName)")))
            }
        }
        guard o["jsonrpc"] == "2.0" else {
            return .failure(FrameError(id: id, error: .failure(.EPROTO, "missing \"jsonrpc\": \"2.0\"")))
        }
        guard case let .string(method)? = o["method"] else {
            return .failure(FrameError(id: id, error: .failure(.EPROTO, "missing or non-string \"method\"")))
        }
        var params = JSONObject()
        switch o["params"] {
        case nil, .null?: break
        case let .object(p)?: params = p
        case let other?:
            return .failure(FrameError(id: id, error: .failure(.EPARAMS, "params must be an object, found \(other.typeName)")))
        }
        return .success(Request(id: id, method: method, params: params))
    }

    /// A success reply line.
    public static func result(id: JSON, _ result: JSON) -> String {
        JSON.object(JSONObject([("jsonrpc", "2.0"), ("id", id), ("result", result)])).serialized()
    }

    /// An error reply line; `data.code` carries the stable symbol.
    public static func error(id: JSON?, code: ErrorCode, message: String, data: JSONObject = JSONObject()) -> String {
        var d = data
        d["code"] = .string(code.rawValue)
        let err = JSON.object(JSONObject([("code", .int(Int64(code.rpcCode))), ("message", .string(message)), ("data", .object(d))]))
        return JSON.object(JSONObject([("jsonrpc", "2.0"), ("id", id ?? .null), ("error", err)])).serialized()
    }

    /// A notification line (no id); progress notifications carry the request id in params.
    public static func notification(method: String, params: JSONObject) -> String {
        JSON.object(JSONObject([("jsonrpc", "2.0"), ("method", .string(method)), ("params", .object(params))])).serialized()
    }
}
